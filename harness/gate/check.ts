/**
 * Checks one gate check's expectations against what was observed, and words each failure
 * the way the spec was written: the expectation, then expected vs observed (missing and
 * unexpected items named), then — once per check — what happened to the message (SMTP
 * replies, each recipient's fate with the host it went to, the maillog lines of its queue
 * files). This text is what a CI user reads to fix the configuration.
 */
import type { ExpectSpec, GateCheck, ReplySpec, TextMatch } from './spec.ts';
import type { Outcome, MessageTrace } from './trace.ts';
import { story } from './trace.ts';
import { parseMessage } from '../sink/message.ts';
import type { ExpectationFailure } from '../report/types.ts';

export interface SmtpStep {
  command: string;
  code: number;
  enhanced?: string;
  text: string;
}

export interface CheckObservation {
  /** Commands sent and the replies (the greeting has command "(connect)"). */
  smtp: SmtpStep[];
  /** The first refusal (4xx/5xx) in the transaction, if any. */
  rejection?: SmtpStep;
  queueId?: string;
  trace?: MessageTrace;
  outcomes: Outcome[];
  /** Set when the message did not settle in time (or the wait failed). */
  settleError?: string;
  /** Warnings, errors and fatals Postfix logged during the check (config mistakes show here). */
  problems?: string[];
}

/** "/re/flags" is a regular expression; anything else matches case-insensitively, exactly. */
export function textMatches(m: TextMatch, v: string | undefined): boolean {
  if (v === undefined) return false;
  const re = /^\/(.*)\/([a-z]*)$/s.exec(m);
  if (re) return new RegExp(re[1]!, re[2]).test(v);
  return m.trim().toLowerCase() === v.trim().toLowerCase();
}

function setDiff(what: string, want: string[], got: string[], same: (w: string, g: string) => boolean = textMatches): string | undefined {
  const missing = want.filter((w) => !got.some((g) => same(w, g)));
  const extra = got.filter((g) => !want.some((w) => same(w, g)));
  if (!missing.length && !extra.length) return undefined;
  const lines = [`expected ${what}: ${want.join(', ') || '(none)'}`, `observed ${what}: ${got.join(', ') || '(none)'}`];
  if (missing.length) lines.push(`  missing: ${missing.join(', ')}`);
  if (extra.length) lines.push(`  unexpected: ${extra.join(', ')}`);
  return lines.join('\n');
}

const uniq = (xs: string[]) => [...new Set(xs.map((x) => x.toLowerCase()))];

function showReply(r: SmtpStep): string {
  return `${r.code}${r.enhanced ? ` ${r.enhanced}` : ''} ${r.text.replace(new RegExp(`^${r.enhanced ?? '\\b'}\\s*`), '')}`.trim();
}

function replyMatches(want: ReplySpec, got: SmtpStep): boolean {
  if (want.code !== undefined && want.code !== got.code) return false;
  if (want.enhanced !== undefined && want.enhanced !== got.enhanced) return false;
  if (want.text !== undefined) {
    const re = /^\/(.*)\/([a-z]*)$/s.exec(want.text);
    return re ? new RegExp(re[1]!, re[2]).test(got.text) : got.text.toLowerCase().includes(want.text.toLowerCase());
  }
  return true;
}

function describeReply(w: ReplySpec): string {
  return [w.code ?? 'any code', w.enhanced, w.text && `"${w.text}"`].filter(Boolean).join(' ');
}

/** Final outcomes of the message itself (not of bounce notifications about it). */
function finals(o: CheckObservation): Outcome[] {
  return o.outcomes.filter((x) => !x.notification);
}

const isLocal = (x: Outcome) => !x.host && /^(local|virtual)$/.test(x.relay.split(/[[\s]/)[0]!);

export function checkExpectations(c: GateCheck, o: CheckObservation): ExpectationFailure[] {
  const out: ExpectationFailure[] = [];
  const ex: ExpectSpec = c.expect;
  const push = (expectation: string, diff: string | undefined) => diff !== undefined && out.push({ expectation, diff });

  if (ex.rejected) {
    const w = ex.rejected;
    const r = o.rejection;
    push(
      `refused with ${describeReply(w)}`,
      !r ? `observed: accepted${o.queueId ? ` (queued as ${o.queueId})` : ''}` : replyMatches(w, r) ? undefined : `observed: refused at ${r.command}: ${showReply(r)}`,
    );
  } else if (ex.accepted !== false) {
    push('accepted', o.rejection ? `observed: refused at ${o.rejection.command}: ${showReply(o.rejection)}` : o.queueId ? undefined : 'observed: no queue ID in the final reply');
  } else if (!o.rejection) {
    push('not accepted', `observed: accepted${o.queueId ? ` (queued as ${o.queueId})` : ''}`);
  }
  if (o.queueId && o.settleError) push('the message is fully processed', o.settleError);

  const done = finals(o);
  const sent = done.filter((x) => x.status === 'sent' && !x.forwardedAs);
  if (ex.relayed) {
    const byHost = new Map<string, Outcome[]>();
    for (const x of sent.filter((s) => s.host)) byHost.set(x.host!, [...(byHost.get(x.host!) ?? []), x]);
    const seen = [...byHost.keys()];
    push('relayed to exactly these hosts', setDiff('hosts', ex.relayed.map((r) => r.host), seen));
    for (const r of ex.relayed) {
      const got = [...byHost.entries()].find(([h]) => textMatches(r.host, h))?.[1];
      if (!got) continue;
      const txs = [...new Set(got.map((x) => x.transaction).filter((t) => t !== undefined))];
      const rcpts = uniq(txs.length ? txs.flatMap((t) => t.rcptTo) : got.map((x) => x.to));
      const label = `relayed to ${r.host}${r.to ? ` as ${r.to.join(', ')}` : ''}`;
      if (r.to) push(label, setDiff(`recipients at ${r.host}`, r.to, rcpts));
      if (r.from !== undefined) {
        const froms = uniq(txs.map((t) => t.mailFrom));
        push(`${label}, from ${r.from || '<>'}`, froms.every((f) => textMatches(r.from!, f) || (r.from === '' && f === '')) ? undefined : `observed MAIL FROM: ${froms.map((f) => `<${f}>`).join(', ')}`);
      }
      for (const [name, m] of Object.entries(r.headers ?? {})) {
        const vals = txs.flatMap((t) => parseMessage(t.data ?? Buffer.alloc(0)).headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v.trim()));
        push(`${label}, header ${name}: ${m}`, vals.some((v) => textMatches(m, v)) ? undefined : `observed ${name}: ${vals.map((v) => JSON.stringify(v)).join(' | ') || '(absent)'}`);
      }
    }
  }
  if (ex.delivered_locally) {
    const got = uniq(sent.filter(isLocal).map((x) => x.to));
    const same = (w: string, g: string) => textMatches(w, g) || (!w.includes('@') && textMatches(w, g.split('@')[0]!));
    push(`delivered locally to ${ex.delivered_locally.join(', ') || 'nobody'}`, setDiff('local deliveries', ex.delivered_locally, got, same));
  }
  if (ex.recipients) push(`final recipients are ${ex.recipients.join(', ')}`, setDiff('final recipients', ex.recipients, uniq(sent.map((x) => x.to))));
  if (ex.bounced) push(`bounced: ${ex.bounced.join(', ') || 'nothing'}`, setDiff('bounced recipients', ex.bounced, uniq(done.filter((x) => x.status === 'bounced').map((x) => x.to))));
  if (ex.deferred) push(`deferred: ${ex.deferred.join(', ') || 'nothing'}`, setDiff('deferred recipients', ex.deferred, uniq(done.filter((x) => x.status === 'deferred').map((x) => x.to))));

  if (ex.sender_notified !== undefined) {
    const notices = o.outcomes.filter((x) => x.notification && x.status === 'sent' && c.send.from !== '' && textMatches(c.send.from, x.to));
    const got = notices.length > 0;
    push(
      ex.sender_notified ? `the sender ${c.send.from} gets a delivery status notification` : `the sender ${c.send.from || '<>'} gets no notification`,
      got === ex.sender_notified ? undefined : got ? `observed: a notification was delivered to ${notices[0]!.to} (${notices[0]!.host ? `at ${notices[0]!.host}` : notices[0]!.relay})` : 'observed: no notification reached the sender',
    );
  }
  if (out.length) out[out.length - 1]!.diff += `\n${whatHappened(o).join('\n')}`;
  return out;
}

/** The message's story, for the reader of a failure. */
export function whatHappened(o: CheckObservation): string[] {
  const lines = ['what happened:'];
  lines.push(`  SMTP: ${o.smtp.filter((s) => s.command !== '(connect)' && !/^(EHLO|DATA$)/.test(s.command)).map((s) => `${s.command} → ${s.code}`).join('; ')}`);
  if (o.rejection) lines.push(`  refused: ${o.rejection.command} → ${showReply(o.rejection)}`);
  for (const x of o.outcomes) {
    const where = x.host ? `${x.status === 'sent' ? 'to' : 'by'} ${x.host}` : `via ${x.relay}`;
    const orig = x.origTo && x.origTo !== x.to ? ` (originally ${x.origTo})` : '';
    lines.push(`  ${x.notification ? 'notification to ' : ''}${x.to}${orig}: ${x.status} ${where}${x.forwardedAs ? `, forwarded as ${x.forwardedAs}` : ''}`);
  }
  if (o.trace) lines.push('  maillog:', ...story(o.trace).map((l) => `    ${l}`));
  if (o.problems?.length) lines.push('  Postfix complained:', ...o.problems.slice(0, 10).map((l) => `    ${l}`));
  return lines;
}
