/**
 * Checks a scenario's expectations against an observation. Each failure carries the
 * expectation in words and a diff: what was expected next to what was observed.
 */
import { ABSENT, type DeliveryExpect, type EventMatch, type Match, type QueueExpect, type Scenario } from './types.ts';
import type { Observation } from './run.ts';
import type { QueueEntry } from '../observe/postqueue.ts';
import type { SinkTransaction } from '../sink/types.ts';
import { fieldDiff, matches, matchesFields, showMatch } from '../compare/match.ts';
import { parseMessage } from '../sink/message.ts';
import { splitMbox } from '../observe/mailbox.ts';

export interface Failure {
  expectation: string;
  diff: string;
}

export function checkExpectations(s: Scenario, obs: Observation): Failure[] {
  const out: Failure[] = [];
  const ex = s.expect;
  checkDeliveries(ex.deliveries ?? [], ex.sinkMessages, obs, out);
  for (const mb of ex.mailboxes ?? []) {
    const msgs = splitMbox(obs.mailboxes[mb.user] ?? '');
    if (msgs.length !== mb.messages) {
      out.push({ expectation: `mailbox ${mb.user} holds ${mb.messages} message(s)`, diff: `observed ${msgs.length}` });
      continue;
    }
    for (const [i, m] of msgs.entries()) {
      const d = headerDiff(mb.headers ?? {}, [], m.headers, m.body, mb.bodyIncludes ?? []);
      if (d.length) out.push({ expectation: `mailbox ${mb.user} message ${i + 1}`, diff: d.join('\n') });
    }
  }
  for (const want of ex.events ?? []) {
    const { count, ...fields } = want;
    const hits = obs.events.filter((e) => matchesFields(fields as EventMatch, e as unknown as Record<string, unknown>));
    const ok = count === undefined ? hits.length >= 1 : hits.length === count;
    if (!ok) out.push({ expectation: `event ${describe(fields)}${count === undefined ? '' : ` × ${count}`}`, diff: `observed ${hits.length} match(es)\n${nearest(fields as EventMatch, obs)}` });
  }
  for (const bad of ex.noEvents ?? []) {
    const hits = obs.events.filter((e) => matchesFields(bad, e as unknown as Record<string, unknown>));
    if (hits.length) out.push({ expectation: `no event ${describe(bad)}`, diff: hits.map((h) => `observed: ${h.raw}`).join('\n') });
  }
  if (ex.queue !== undefined) {
    const d = queueDiff(ex.queue, obs.queue);
    if (d) out.push({ expectation: 'queue at the end', diff: d });
  }
  return out;
}

function describe(m: EventMatch): string {
  return `{${Object.entries(m).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${showMatch(v as Match)}`).join(', ')}}`;
}

/** The events of the same kind as `want`, with the fields that differ: what a reader needs to see. */
function nearest(want: EventMatch, obs: Observation): string {
  const same = obs.events.filter((e) => e.kind === want.kind);
  if (!same.length) return `no ${want.kind} events at all; kinds seen: ${[...new Set(obs.events.map((e) => e.kind))].join(', ')}`;
  return same.slice(0, 8).map((e) => `  ${e.raw}\n    ${fieldDiff(want, e as unknown as Record<string, unknown>).join('; ')}`).join('\n');
}

function checkDeliveries(wants: DeliveryExpect[], counts: Record<string, number> | undefined, obs: Observation, out: Failure[]): void {
  const bySink = new Map<string, SinkTransaction[]>();
  for (const [name, conns] of Object.entries(obs.sinks)) bySink.set(name, conns.flatMap((c) => c.transactions.filter((t) => t.accepted)));
  const expected: Record<string, number> = {};
  for (const w of wants) expected[w.sink] = (expected[w.sink] ?? 0) + 1;
  for (const [name, n] of Object.entries({ ...expected, ...(counts ?? {}) })) {
    const got = bySink.get(name)?.length ?? 0;
    if (got !== n) out.push({ expectation: `sink ${name} receives ${n} message(s)`, diff: `observed ${got}: ${(bySink.get(name) ?? []).map(envelope).join('; ') || 'none'}` });
  }
  const used = new Set<SinkTransaction>();
  for (const w of wants) {
    const txs = bySink.get(w.sink) ?? [];
    let best: { t: SinkTransaction; d: string[] } | undefined;
    for (const t of txs) {
      if (used.has(t)) continue;
      const d = deliveryDiff(w, t);
      if (!d.length) {
        best = { t, d };
        break;
      }
      if (!best || d.length < best.d.length) best = { t, d };
    }
    if (best && !best.d.length) {
      used.add(best.t);
      continue;
    }
    out.push({
      expectation: `delivery at sink ${w.sink}: from ${showMatch(w.from)} to ${w.to.map(showMatch).join(', ')}`,
      diff: best ? `closest observed: ${envelope(best.t)}\n${best.d.join('\n')}` : 'no message arrived at this sink',
    });
  }
}

function envelope(t: SinkTransaction): string {
  return `MAIL FROM:<${t.mailFrom}>${t.mailParams.length ? ' ' + t.mailParams.join(' ') : ''} RCPT TO:${t.rcptTo.map((r) => `<${r}>`).join(',')}`;
}

function deliveryDiff(w: DeliveryExpect, t: SinkTransaction): string[] {
  const d: string[] = [];
  if (!matches(w.from, t.mailFrom)) d.push(`MAIL FROM: expected ${showMatch(w.from)}, observed <${t.mailFrom}>`);
  if (w.to.length !== t.rcptTo.length || !w.to.every((m, i) => matches(m, t.rcptTo[i]))) d.push(`RCPT TO: expected ${w.to.map(showMatch).join(', ')}, observed ${t.rcptTo.map((r) => `<${r}>`).join(', ')}`);
  for (const p of w.mailParams ?? []) if (!t.mailParams.some((x) => matches(p, x))) d.push(`MAIL FROM parameter ${showMatch(p)} missing (observed ${t.mailParams.join(' ') || 'none'})`);
  const msg = parseMessage(t.data ?? Buffer.alloc(0));
  d.push(...headerDiff(w.headers ?? {}, w.noHeaders ?? [], msg.headers, msg.body, w.bodyIncludes ?? []));
  return d;
}

function headerDiff(want: Record<string, Match | true>, absent: string[], headers: [string, string][], body: string, bodyIncludes: string[]): string[] {
  const d: string[] = [];
  for (const [name, m] of Object.entries(want)) {
    const vals = headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
    if (m === ABSENT) {
      if (vals.length) d.push(`header ${name}: must be absent, observed ${vals.map((v) => JSON.stringify(v)).join(' | ')}`);
      continue;
    }
    if (!vals.length) d.push(`header ${name}: missing (headers: ${headers.map(([n]) => n).join(', ')})`);
    else if (m !== true && !vals.some((v) => matches(m, v))) d.push(`header ${name}: expected ${showMatch(m)}, observed ${vals.map((v) => JSON.stringify(v)).join(' | ')}`);
  }
  for (const name of absent) if (headers.some(([n]) => n.toLowerCase() === name.toLowerCase())) d.push(`header ${name}: must be absent, but is present`);
  for (const s of bodyIncludes) if (!body.includes(s)) d.push(`body: missing ${JSON.stringify(s)}`);
  return d;
}

export function queueDiff(want: QueueExpect, q: QueueEntry[]): string | undefined {
  const show = () => (q.length ? q.map((e) => `  ${e.queue_name} ${e.queue_id} <${e.sender}> → ${e.recipients.map((r) => r.address + (r.delay_reason ? ` (${r.delay_reason})` : '')).join(', ')}`).join('\n') : '  (empty)');
  if (want === 'empty') return q.length ? `expected an empty queue, observed:\n${show()}` : undefined;
  const d: string[] = [];
  if (want.count !== undefined && q.length !== want.count) d.push(`expected ${want.count} queue file(s), observed ${q.length}`);
  for (const [i, w] of (want.entries ?? []).entries()) {
    const hit = q.some((e) => {
      if (w.queue_name !== undefined && !matches(w.queue_name, e.queue_name)) return false;
      if (w.sender !== undefined && !matches(w.sender, e.sender)) return false;
      return (w.recipients ?? []).every((r) => e.recipients.some((x) => matches(r.address, x.address) && (r.delay_reason === undefined || matches(r.delay_reason, r.delay_reason === ABSENT ? x.delay_reason : (x.delay_reason ?? '')))));
    });
    if (!hit) d.push(`queue entry #${i + 1} ${JSON.stringify(w, (_k, v) => (v instanceof RegExp ? v.toString() : v))} not found`);
  }
  return d.length ? `${d.join('\n')}\nobserved queue:\n${show()}` : undefined;
}
