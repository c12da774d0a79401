/**
 * The message flow of one scenario run, worked out from what was observed: the normalised
 * maillog events in log order (queue IDs Q1, Q2 …), the SMTP transcripts and the scenario's
 * main.cf. The result is a sequence of steps between services, drawn by flow-svg.ts.
 *
 * Message steps (the message moves) come straight from log lines:
 *   smtpd "Qn: client=…"                → smtpd → cleanup (a new queue file)
 *   pickup "Qn: uid=… from=…"           → pickup → cleanup
 *   qmgr "Qn: from=… (queue active)"    → cleanup → qmgr (first time), later a retry note
 *   agent "Qn: to=… status=sent"        → qmgr → agent, agent → remote SMTP / mailbox
 *   local "… forwarded as Qm"           → local → cleanup (re-injection as a new message)
 *   bounce "Qn: … notification: Qm"     → qmgr → bounce, bounce → cleanup (a new message)
 * Supporting steps (a service consulted) are inferred, since Postfix does not log lookups:
 * trivial-rewrite by smtpd (recipient checks), cleanup (rewriting) and qmgr (resolving); defer
 * / bounce logs by agents on a deferral or bounce; flush on ETRN; verify when smtpd's
 * restrictions use reject_unverified_*; proxymap by the service that reads a proxy: table; and
 * any line logged by anvil, verify, flush, scache, tlsmgr or dnsblog, from its usual client.
 */
import type { MaillogEvent, Delivery } from '../../observe/events.ts';
import type { ArrowKind } from './svg.ts';
import type { ConfigView, TranscriptView } from './observations.ts';

export interface FlowArrow {
  type: 'arrow';
  kind: ArrowKind;
  from: string;
  to: string;
  label: string;
  qid?: string;
  /** Delivery status, for colouring. */
  status?: string;
  /** Inferred rather than logged (supporting lookups). */
  inferred?: boolean;
}

export interface FlowNote {
  type: 'note';
  at: string;
  text: string;
  qid?: string;
  status?: string;
}

export type FlowStep = FlowArrow | FlowNote;

export interface MessageFlow {
  /** Services in the order they are drawn (only those that take part). */
  participants: string[];
  steps: FlowStep[];
  /** Per queue ID: the services its message passed through, in order. */
  paths: Record<string, string[]>;
}

/** External ends of a delivery. */
export const REMOTE = 'remote SMTP';
export const MAILBOX = 'mailbox';

/** Drawing order; services not listed go after these, in order of appearance. */
const ORDER = [
  'postscreen', 'smtpd', 'pickup', 'cleanup', 'qmgr',
  'smtp', 'relay', 'lmtp', 'local', 'virtual', 'pipe', 'error', 'retry', 'discard',
  REMOTE, MAILBOX,
  'bounce', 'defer', 'trace',
  'trivial-rewrite', 'proxymap', 'verify', 'flush', 'anvil', 'scache', 'tlsmgr', 'dnsblog',
];

/** Supporting services that may log, and who usually asks them. */
const SUPPORT_CLIENT: Record<string, string> = {
  anvil: 'smtpd',
  verify: 'smtpd',
  flush: 'smtpd',
  scache: 'smtp',
  tlsmgr: 'smtpd',
  dnsblog: 'postscreen',
  proxymap: 'smtpd',
};

/**
 * Which service reads the tables named by a main.cf parameter (for proxy: tables).
 * Prefix rules first, then exact names.
 */
export function tableReader(param: string): string {
  if (/^(smtpd|postscreen)_/.test(param) || param === 'local_recipient_maps' || param === 'relay_recipient_maps') return param.startsWith('postscreen') ? 'postscreen' : 'smtpd';
  if (/^(lmtp|smtp)_/.test(param)) return param.startsWith('lmtp') ? 'lmtp' : 'smtp';
  if (/^(alias_maps|forward_path|mailbox_command_maps)$/.test(param)) return 'local';
  if (/^virtual_(mailbox|uid|gid|minimum)/.test(param)) return 'virtual';
  if (/^(transport_maps|relocated_maps|sender_dependent_\w+|relay_domains|virtual_alias_domains)$/.test(param)) return 'trivial-rewrite';
  if (/canonical_maps$|^virtual_alias_maps$|_checks$|^masquerade/.test(param)) return 'cleanup';
  return 'trivial-rewrite';
}

function destinationOf(d: Delivery): string | undefined {
  if (d.status !== 'sent') return undefined;
  if (d.service === 'local' || d.service === 'virtual') return d.forwardedAs ? undefined : MAILBOX;
  if (d.relay && d.relay !== 'none') return REMOTE;
  return undefined;
}

function short(text: string, n = 60): string {
  return text.length > n ? `${text.slice(0, n - 1)}…` : text;
}

interface Builder {
  steps: FlowStep[];
}

function push(b: Builder, step: FlowStep): void {
  b.steps.push(step);
}

/**
 * A step that creates queue file `qid` (a forwarded copy, a notification). Postfix logs it
 * after cleanup has already logged the new file, so it goes before the first step of `qid`.
 */
function pushOrigin(b: Builder, qid: string, step: FlowStep): void {
  const i = b.steps.findIndex((s) => s.qid === qid);
  if (i < 0) b.steps.push(step);
  else b.steps.splice(i, 0, step);
}

/** Per queue ID, the services its message passed through (message arrows only). */
function pathsOf(steps: FlowStep[]): Record<string, string[]> {
  const paths: Record<string, string[]> = {};
  for (const s of steps) {
    if (s.type !== 'arrow' || s.kind !== 'message' || !s.qid) continue;
    const path = (paths[s.qid] ??= []);
    if (path[path.length - 1] !== s.from) path.push(s.from);
    path.push(s.to);
  }
  return paths;
}

function consult(b: Builder, from: string, to: string, label: string, qid?: string): void {
  push(b, { type: 'arrow', kind: 'support', from, to, label, qid, inferred: true });
}

/** Does some smtpd_*_restrictions parameter use reject_unverified_*? */
function usesVerify(config?: ConfigView): boolean {
  return Object.entries(config?.main ?? {}).some(([k, v]) => k.startsWith('smtpd_') && /reject_unverified_/.test(v));
}

/** The readers of proxy: tables in the configuration, each with the parameters concerned. */
export function proxyReaders(config?: ConfigView): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of Object.entries(config?.main ?? {})) {
    if (!/\bproxy:/.test(v)) continue;
    const reader = tableReader(k);
    out.set(reader, [...(out.get(reader) ?? []), k]);
  }
  return out;
}

export function buildMessageFlow(events: MaillogEvent[], transcripts: TranscriptView[] = [], config?: ConfigView): MessageFlow {
  const b: Builder = { steps: [] };
  const activated = new Set<string>();
  const verify = usesVerify(config);
  let session = -1;
  let sessionResolved = false;
  const lastAgent = new Map<string, string>();

  for (const e of events) {
    const qid = e.queueId;
    switch (e.kind) {
      case 'connect': {
        session++;
        sessionResolved = false;
        const etrn = transcripts[session]?.lines.filter((l) => l.dir === 'C' && /^ETRN\s/i.test(l.text)) ?? [];
        for (const l of etrn) {
          consult(b, 'smtpd', 'flush', l.text.trim());
          consult(b, 'flush', 'qmgr', 'deliver the site\'s deferred mail');
        }
        break;
      }
      case 'reject': {
        if (/^(RCPT|MAIL|DATA|END-OF-MESSAGE|VRFY|ETRN)$/.test(e.stage) && !sessionResolved) {
          consult(b, 'smtpd', 'trivial-rewrite', 'resolve recipient (restrictions)', qid);
          if (verify) consult(b, 'smtpd', 'verify', 'address verification', qid);
          sessionResolved = true;
        }
        push(b, { type: 'note', at: e.service, text: `reject ${e.stage}: ${e.code}${e.dsn ? ` ${e.dsn}` : ''} ${short(e.text, 48)}`, qid, status: 'bounced' });
        break;
      }
      case 'client':
        if (!sessionResolved) {
          consult(b, 'smtpd', 'trivial-rewrite', 'resolve recipient (restrictions)', qid);
          if (verify) consult(b, 'smtpd', 'verify', 'address verification', qid);
          sessionResolved = true;
        }
        push(b, { type: 'arrow', kind: 'message', from: e.service, to: 'cleanup', label: `${qid}: new message from ${e.client}`, qid });
        break;
      case 'message-id':
        consult(b, e.service, 'trivial-rewrite', `${qid}: rewrite addresses to canonical form`, qid);
        break;
      case 'queue-active':
        if (!qid) break;
        if (!activated.has(qid)) {
          activated.add(qid);
          push(b, { type: 'arrow', kind: 'message', from: 'cleanup', to: e.service, label: `${qid}: queued, nrcpt=${e.nrcpt} size=${e.size}`, qid });
        } else {
          push(b, { type: 'note', at: e.service, text: `${qid}: deferred → active (retry)`, qid });
        }
        consult(b, e.service, 'trivial-rewrite', `${qid}: resolve recipients`, qid);
        break;
      case 'delivery':
        delivery(b, e, lastAgent);
        break;
      case 'notification':
        pushOrigin(b, e.notificationId, { type: 'arrow', kind: 'message', from: 'qmgr', to: e.service, label: `${qid}: return to sender`, qid });
        pushOrigin(b, e.notificationId, { type: 'arrow', kind: 'message', from: e.service, to: 'cleanup', label: `${e.notificationId}: ${e.what} for ${qid}`, qid: e.notificationId });
        break;
      case 'removed':
        push(b, { type: 'note', at: e.service, text: `${qid}: removed`, qid });
        break;
      case 'expired':
        push(b, { type: 'note', at: e.service, text: `${qid}: ${e.forced ? 'force-expired' : 'expired'}, returned to sender`, qid, status: 'expired' });
        break;
      default:
        if (e.service === 'pickup' && qid && e.kind === 'other') {
          push(b, { type: 'arrow', kind: 'message', from: 'pickup', to: 'cleanup', label: `${qid}: ${short(e.text, 40)}`, qid });
        } else if (SUPPORT_CLIENT[e.service] && (e.kind === 'other' || e.kind === 'warning')) {
          consult(b, SUPPORT_CLIENT[e.service], e.service, short(e.text, 50), qid);
        }
    }
  }
  addProxyLookups(b, config);
  return { participants: orderParticipants(b.steps), steps: b.steps, paths: pathsOf(b.steps) };
}

function delivery(b: Builder, e: Delivery, lastAgent: Map<string, string>): void {
  const qid = e.queueId;
  const agent = e.service;
  const key = `${qid}`;
  const fwd = e.forwardedAs;
  // a forwarded copy's steps go before the new queue file's, which Postfix logged first
  const emit = (s: FlowStep) => (fwd ? pushOrigin(b, fwd, s) : push(b, s));
  if (lastAgent.get(key) !== agent) {
    emit({ type: 'arrow', kind: 'message', from: 'qmgr', to: agent, label: `${qid}: delivery request`, qid });
    lastAgent.set(key, agent);
  }
  const to = `to=<${e.to}>${e.origTo ? `, orig_to=<${e.origTo}>` : ''}`;
  const dest = destinationOf(e);
  if (fwd) {
    emit({ type: 'arrow', kind: 'message', from: agent, to: 'cleanup', label: `${qid} forwarded as ${fwd}: ${to}`, qid: fwd, status: e.status });
    return;
  }
  if (dest) {
    push(b, { type: 'arrow', kind: 'message', from: agent, to: dest, label: `${qid} ${e.status}: ${to} (${short(e.text, 40)})`, qid, status: e.status });
    return;
  }
  push(b, { type: 'note', at: agent, text: `${qid} ${e.status}: ${to} (${short(e.text, 50)})`, qid, status: e.status });
  if (e.status === 'deferred') consult(b, agent, 'defer', `${qid}: record the deferral (defer log)`, qid);
  else if (e.status === 'bounced') consult(b, agent, 'bounce', `${qid}: record the bounce (bounce log)`, qid);
  lastAgent.delete(key);
}

/** One lookup arrow from each proxy: table reader, right after it first takes part. */
function addProxyLookups(b: Builder, config?: ConfigView): void {
  for (const [reader, params] of proxyReaders(config)) {
    const i = b.steps.findIndex((s) => (s.type === 'arrow' ? s.from === reader || s.to === reader : s.at === reader));
    if (i < 0) continue;
    const step: FlowArrow = { type: 'arrow', kind: 'support', from: reader, to: 'proxymap', label: `proxy: table lookup (${params.join(', ')})`, inferred: true };
    b.steps.splice(i + 1, 0, step);
  }
}

function orderParticipants(steps: FlowStep[]): string[] {
  const seen: string[] = [];
  const add = (s: string) => {
    if (!seen.includes(s)) seen.push(s);
  };
  for (const s of steps) {
    if (s.type === 'arrow') {
      add(s.from);
      add(s.to);
    } else add(s.at);
  }
  const rank = (s: string) => {
    const i = ORDER.indexOf(s);
    return i < 0 ? ORDER.length + seen.indexOf(s) : i;
  };
  return seen.sort((a, b) => rank(a) - rank(b));
}
