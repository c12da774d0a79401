/**
 * runGate(): runs a mail team's own configuration against its own checks.
 *
 * One private real Postfix (harness/targets/postfix in "user config" mode, see
 * user-config.ts) runs the user's main.cf, master.cf and maps inside a private mount namespace
 * whose resolver is the gate's DNS server (network.ts), so every outbound delivery lands at a
 * capture peer standing for the host it was meant for. Each check sends its message over SMTP
 * (XCLIENT plays the client address it names), waits — on maillog events — until the message
 * and everything it spawned is settled, and is checked (check.ts). Checks run one after the
 * other on the same instance. Everything started is stopped and removed in `finally`.
 */
import { join } from 'node:path';
import { PostfixTarget } from '../targets/postfix/postfix-target.ts';
import type { Endpoint } from '../targets/types.ts';
import { destroyRootSync, makeInstanceRoot } from '../util/cleanup.ts';
import { freePort } from '../util/free-port.ts';
import { SmtpDialog } from '../smtp/dialog.ts';
import type { Reply } from '../smtp/reply.ts';
import type { ExpectationFailure } from '../report/types.ts';
import type { GateCheck, PeerStage, SendSpec } from './spec.ts';
import { inetServices, writeUserConfig, type UserConfigResult } from './user-config.ts';
import { namespaceWrapper, startGateNetwork, type GateNetwork } from './network.ts';
import { outcomes, traceMessage } from './trace.ts';
import { checkExpectations, type CheckObservation, type SmtpStep } from './check.ts';
import { readFileSync } from 'node:fs';

export interface GateOptions {
  configDir: string;
  checks: GateCheck[];
  /** The path the user's files call their own directory (default /etc/postfix). */
  configPath?: string;
  /** Per-wait timeout (SMTP replies, settling of one message), ms. */
  timeoutMs?: number;
  progress?: (line: string) => void;
}

export interface GateCheckResult {
  check: GateCheck;
  status: 'passed' | 'failed' | 'error';
  failures: ExpectationFailure[];
  error?: string;
  durationMs: number;
  observation?: CheckObservation;
}

export interface GateResult {
  results: GateCheckResult[];
  /** What the gate changed in the user's configuration to run it. */
  setup?: UserConfigResult;
  /** Warnings Postfix logged while the checks ran (config typos show up here). */
  warnings: string[];
  /** Every host the instance delivered to or looked up. */
  hosts: string[];
}

export async function runGate(opts: GateOptions): Promise<GateResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const say = opts.progress ?? (() => undefined);
  const services = inetServices(readFileSync(join(opts.configDir, 'master.cf'), 'utf8'));
  const otherPorts: number[] = [];
  for (let i = 1; i < services.length; i++) otherPorts.push(await freePort());

  let net: GateNetwork | undefined;
  let target: PostfixTarget | undefined;
  const nsRoot = makeInstanceRoot('gate');
  let setup: UserConfigResult | undefined;
  const results: GateCheckResult[] = [];
  try {
    net = await startGateNetwork();
    target = new PostfixTarget({
      timeoutMs,
      writeConfig: (dirs, smtpPort) => {
        setup = writeUserConfig(opts.configDir, dirs, smtpPort, otherPorts, { configPath: opts.configPath });
        net!.setListZones(setup.zones);
      },
      wrapMaster: namespaceWrapper(net.namespaceFiles(nsRoot)),
    });
    const started = Date.now();
    try {
      await target.start({ main: {} });
    } catch (err) {
      const msg = `the configuration did not start in Postfix: ${(err as Error).message}`;
      say(`ERROR ${msg}`);
      for (const check of opts.checks) results.push({ check, status: 'error', failures: [], error: msg, durationMs: Date.now() - started });
      return { results, setup, warnings: warnings(target), hosts: [] };
    }
    say(`instance: ${target.root} (Postfix in a private mount namespace; removed at the end)`);
    say(describeSetup(setup!, net));
    for (const [i, check] of opts.checks.entries()) {
      const r = await runCheck(check, target, net, setup!.services, timeoutMs);
      results.push(r);
      say(progressLine(i + 1, opts.checks.length, r));
    }
    return { results, setup, warnings: warnings(target), hosts: net.peers().map((p) => p.host) };
  } finally {
    await target?.dispose();
    await net?.close();
    destroyRootSync(nsRoot);
  }
}

function warnings(t: PostfixTarget | undefined, from = 0): string[] {
  return (t?.events() ?? []).slice(from).filter((e) => e.kind === 'warning' || e.kind === 'error' || e.kind === 'fatal').map((e) => e.raw);
}

function describeSetup(s: UserConfigResult, net: GateNetwork): string {
  const ports = Object.entries(s.services).map(([name, ep]) => `${name} → ${ep.host}:${ep.port}`).join(', ');
  return [
    `changed for the test: ${Object.keys(s.overrides).join(', ')}; master.cf: ${ports}, chroot off`,
    `rebuilt maps: ${s.built.map((b) => b.replace(/ \S+?:\/.*\//, ' ')).join(', ') || 'none'}`,
    `DNS and capture peers on ${net.dns.host.replace(/\.1$/, '.0/24')}${s.zones.length ? `; DNS lists answer "not listed": ${s.zones.join(', ')}` : ''}`,
  ].join('\n');
}

function progressLine(n: number, total: number, r: GateCheckResult): string {
  const head = `[${n}/${total}] ${r.check.name} ${r.status === 'passed' ? 'passed' : r.status.toUpperCase()} (${(r.durationMs / 1000).toFixed(1)} s)`;
  const body = r.failures.map((f) => `    ✗ ${f.expectation}\n${indent(f.diff, 6)}`);
  if (r.error) body.push(indent(r.error, 6));
  return [head, ...body].join('\n');
}

function indent(s: string, n: number): string {
  return s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
}

async function runCheck(check: GateCheck, target: PostfixTarget, net: GateNetwork, services: Record<string, Endpoint>, timeoutMs: number): Promise<GateCheckResult> {
  const started = Date.now();
  const from = target.events().length;
  const obs: CheckObservation = { smtp: [], outcomes: [] };
  try {
    const ep = check.send.service === undefined ? target.smtp : services[check.send.service];
    if (!ep) throw new Error(`send.service "${check.send.service}" is not an inet service of master.cf (there: ${Object.keys(services).join(', ')})`);
    for (const [host, replies] of Object.entries(check.peers)) {
      (await net.peerFor(host)).sink.setFaults(Object.entries(replies).map(([stage, reply]) => ({ kind: 'reply', stage: stage as PeerStage, reply })));
    }
    try {
      await submit(check.send, ep, obs, timeoutMs);
      if (obs.queueId) await settle(obs, obs.queueId, target, net, from, timeoutMs);
    } finally {
      for (const host of Object.keys(check.peers)) (await net.peerFor(host)).sink.setFaults([]);
    }
    const problems = warnings(target, from);
    if (problems.length) obs.problems = problems.map((l) => l.replace(/^.*?postfix[^:]*\/([\w-]+)\[\d+\]: /, '$1: '));
    const failures = checkExpectations(check, obs);
    return { check, status: failures.length ? 'failed' : 'passed', failures, durationMs: Date.now() - started, observation: obs };
  } catch (err) {
    return { check, status: 'error', failures: [], error: (err as Error).message, durationMs: Date.now() - started, observation: obs };
  }
}

/** Wait until the message and what it spawned are settled; record the trace either way. */
async function settle(obs: CheckObservation, queueId: string, target: PostfixTarget, net: GateNetwork, from: number, timeoutMs: number): Promise<void> {
  const now = () => traceMessage(queueId, target.events().slice(from));
  try {
    await target.waitForEvent(() => now().settled, timeoutMs, from);
  } catch {
    const t = now();
    obs.settleError = `still in the queue after ${timeoutMs / 1000} s (queue files ${t.ids.join(', ')}); see the maillog lines below`;
  }
  obs.trace = now();
  obs.outcomes = outcomes(obs.trace, net);
}

/** The message text: headers (the check's own first), then the body, padded to `size`. */
export function composeMessage(s: SendSpec): string {
  const headers: Record<string, string> = {
    From: s.from ? `<${s.from}>` : '<>',
    To: s.to.map((t) => `<${t}>`).join(', '),
    Subject: s.subject,
    Date: new Date().toUTCString().replace('GMT', '+0000'),
    'Message-ID': `<${Date.now().toString(36)}.${Math.random().toString(36).slice(2)}@gate.twinpost.test>`,
    ...s.headers,
  };
  let text = Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n') + '\r\n\r\n' + s.body.replace(/\r?\n/g, '\r\n');
  if (s.size !== undefined && text.length < s.size) {
    const line = 'x'.repeat(76) + '\r\n';
    text += line.repeat(Math.ceil((s.size - text.length) / line.length));
  }
  return text;
}

async function submit(s: SendSpec, ep: Endpoint, obs: CheckObservation, timeoutMs: number): Promise<void> {
  const d = await SmtpDialog.connect({ ...ep, timeoutMs });
  const record = (command: string, r: Reply): boolean => {
    const step: SmtpStep = { command, code: r.code, text: r.text };
    if (r.enhanced) step.enhanced = r.enhanced;
    obs.smtp.push(step);
    if (r.code >= 400 && !obs.rejection) obs.rejection = step;
    return r.code < 400;
  };
  try {
    if (!record('(connect)', d.greeting)) return;
    if (!record(`EHLO ${s.helo}`, await d.command(`EHLO ${s.helo}`))) return;
    if (s.client) {
      const name = s.client_name ?? '[UNAVAILABLE]';
      const cmd = `XCLIENT ADDR=${s.client} NAME=${name} REVERSE_NAME=${name}`;
      const r = await d.command(cmd);
      if (r.code !== 220) throw new Error(`${cmd} was refused (${r.code} ${r.text}): is 127.0.0.1 in smtpd_authorized_xclient_hosts of this service?`);
      record(`XCLIENT ADDR=${s.client}`, r);
      if (!record(`EHLO ${s.helo}`, await d.command(`EHLO ${s.helo}`))) return;
    }
    const mail = `MAIL FROM:<${s.from}>`;
    if (!record(mail, await d.command(mail))) return;
    let anyRcpt = false;
    for (const to of s.to) anyRcpt = record(`RCPT TO:<${to}>`, await d.command(`RCPT TO:<${to}>`)) || anyRcpt;
    if (!anyRcpt) return;
    const end = await d.data(composeMessage(s), { timeoutMs: Math.max(timeoutMs, 120_000) });
    record('DATA', end);
    if (end.code === 250) {
      const id = /queued as ([0-9A-Za-z]+)/.exec(end.text)?.[1];
      if (id) obs.queueId = id;
    }
  } finally {
    await d.quit().catch(() => d.close());
  }
}
