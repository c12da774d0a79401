/**
 * Target-vs-target comparison. Each observation is reduced to a digest of what a Postfix
 * administrator would call the behaviour — the SMTP replies, what each peer received, the
 * delivery outcomes per (normalised) queue ID, the final queue — and two digests are compared
 * line by line. Known, explained divergences recorded in the scenario are reported apart
 * instead of failing.
 */
import type { Observation } from '../scenario/run.ts';
import type { KnownDivergence } from '../scenario/types.ts';
import type { MaillogEvent } from '../observe/events.ts';
import { parseMessage } from '../sink/message.ts';

export interface Digest {
  replies: string[];
  sinks: string[];
  outcomes: string[];
  queue: string[];
}

function eventLine(e: MaillogEvent): string | undefined {
  switch (e.kind) {
    case 'reject':
      return `reject ${e.stage} ${e.code} ${e.dsn ?? ''} from=<${e.from ?? ''}> to=<${e.to ?? ''}>`;
    case 'queue-active':
      return `${e.queueId} active from=<${e.from}> nrcpt=${e.nrcpt}`;
    case 'delivery':
      return `${e.queueId} ${e.status} to=<${e.to}>${e.origTo ? ` orig_to=<${e.origTo}>` : ''} relay=${e.relay} dsn=${e.dsn}${e.forwardedAs ? ` forwarded as ${e.forwardedAs}` : ''}`;
    case 'notification':
      return `${e.queueId} ${e.what}: ${e.notificationId}`;
    case 'removed':
      return `${e.queueId} removed`;
    case 'expired':
      return `${e.queueId} expired`;
    default:
      return undefined;
  }
}

export function digest(o: Observation): Digest {
  const replies = o.transcripts.flatMap((t) => t.lines.map((l) => `${t.name} ${l.dir}: ${l.text}`));
  const sinks: string[] = [];
  for (const [name, conns] of Object.entries(o.sinks)) {
    for (const c of conns) {
      for (const t of c.transactions) {
        const msg = parseMessage(t.data ?? Buffer.alloc(0));
        sinks.push(`${name}: MAIL FROM:<${t.mailFrom}> RCPT TO:${t.rcptTo.map((r) => `<${r}>`).join(',')} accepted=${t.accepted} headers=${msg.headers.map(([n]) => n).join(',')}`);
      }
    }
  }
  const outcomes = o.events.map(eventLine).filter((l): l is string => !!l).sort();
  const queue = o.queue.map((e) => `${e.queue_name} ${e.queue_id} <${e.sender}> ${e.recipients.map((r) => `${r.address}${r.delay_reason ? ` (${r.delay_reason})` : ''}`).join(', ')}`).sort();
  return { replies, sinks: sinks.sort(), outcomes, queue };
}

export interface TargetDifference {
  section: keyof Digest;
  left: string;
  right: string;
  /** The known divergence that explains it, if any. */
  known?: KnownDivergence;
}

/** Lines present on one side only, section by section. */
export function compareDigests(a: Digest, b: Digest, known: KnownDivergence[] = []): TargetDifference[] {
  const out: TargetDifference[] = [];
  for (const section of ['replies', 'sinks', 'outcomes', 'queue'] as const) {
    const left = a[section];
    const right = b[section];
    const n = Math.max(left.length, right.length);
    for (let i = 0; i < n; i++) {
      const l = left[i] ?? '(nothing)';
      const r = right[i] ?? '(nothing)';
      if (l === r) continue;
      const k = known.find((d) => l.includes(d.what) || r.includes(d.what));
      out.push({ section, left: l, right: r, known: k });
    }
  }
  return out;
}

/**
 * Compare each non-postfix outcome of one scenario with the postfix outcome (the oracle).
 * Unexplained differences become failures of that outcome; explained ones are listed as
 * known divergences. Returns the differences per target.
 */
export function compareWithOracle(outcomes: { target: string; status: string; failures: { expectation: string; diff: string }[]; observation?: unknown; scenario: { knownDivergences?: KnownDivergence[] } }[]): Record<string, TargetDifference[]> {
  const oracle = outcomes.find((o) => o.target === 'postfix');
  const out: Record<string, TargetDifference[]> = {};
  if (!oracle?.observation) return out;
  const base = digest(oracle.observation as Observation);
  for (const o of outcomes) {
    if (o === oracle || !o.observation) continue;
    const known = (o.scenario.knownDivergences ?? []).filter((k) => k.target === o.target);
    const diffs = compareDigests(base, digest(o.observation as Observation), known);
    out[o.target] = diffs;
    const unexplained = diffs.filter((d) => !d.known);
    if (unexplained.length) {
      o.failures.push({
        expectation: `${o.target} behaves as real Postfix`,
        diff: unexplained.map((d) => `[${d.section}]\n  postfix:   ${d.left}\n  ${o.target}: ${d.right}`).join('\n'),
      });
      if (o.status === 'passed') o.status = 'failed';
    }
  }
  return out;
}
