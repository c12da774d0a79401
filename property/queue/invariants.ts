/**
 * The queue invariants, checked against the reference's queue directory after every step of
 * the model-based test (queue-model.test.ts). Each throws a ModelError naming what broke.
 */
import { stat } from 'node:fs/promises';
import { readQueueFile, isReadyMode } from '../../reference/queue/queue-file.ts';
import { showq } from '../../reference/services/showq/showq.ts';
import { ModelError, type ModelMessage, type QueueModel } from './model.ts';
import type { QueueSystem } from './system.ts';

/** Names and one-line statements, for the report. */
export const INVARIANTS: Record<string, string> = {
  'accounted-once': 'each accepted recipient is in exactly one of delivered / bounced / still queued / deleted by postsuper -d',
  'dsn-for-bounces': 'every bounced recipient (5xx or expired) of a non-null sender is listed in a DSN to the sender naming the message; a null sender gets none',
  'no-duplicates': 'no recipient is delivered twice, except once more after a crash between delivery and the queue-file update',
  'queue-files-parse': 'every complete queue file parses; active/ and maildrop/ are empty when idle; incomplete files are only those of aborted injections',
  'showq-agrees': 'showq (postqueue -j) lists exactly the messages with pending recipients, in the queue the model says, with exactly those recipients',
  'scheduling': 'qmgr processes exactly the messages that are due (new, flushed, backoff expired, recovered after a crash) and never a held one',
  'backoff-and-expiry': 'a deferred message waits clamp(age, minimal_backoff_time, maximal_backoff_time); it expires at maximal_queue_lifetime (bounce_queue_lifetime for a null sender)',
};

function rk(key: string, addr: string): string {
  return `${key}\0${addr}`;
}

async function queueFiles(sys: QueueSystem, model: QueueModel): Promise<void> {
  for (const q of ['active', 'maildrop']) {
    const ids = await sys.layout.list(q);
    if (ids.length) throw new ModelError(`${q}/ is not empty while idle: ${ids.join(' ')}`);
  }
  let incomplete = 0;
  for (const q of ['incoming', 'deferred', 'hold']) {
    for (const id of await sys.layout.list(q)) {
      const path = sys.layout.pathOf(q, id);
      const st = await stat(path);
      if (!isReadyMode(st.mode)) {
        if (q !== 'incoming') throw new ModelError(`${q}/${id} is an incomplete queue file`);
        incomplete++;
        continue;
      }
      try {
        const msg = await readQueueFile(path);
        if (msg.recipients.length === 0) throw new Error('no recipient records');
      } catch (err) {
        throw new ModelError(`${q}/${id} does not parse: ${(err as Error).message}`);
      }
    }
  }
  if (incomplete > model.abortedFiles) throw new ModelError(`${incomplete} incomplete files in incoming/, only ${model.abortedFiles} injections aborted`);
}

async function showqAgrees(sys: QueueSystem, model: QueueModel): Promise<void> {
  const entries = await showq(sys.layout);
  const listed = new Set<string>();
  for (const e of entries) {
    const m = model.byQid.get(e.queue_id);
    if (!m || m.place === 'gone') throw new ModelError(`showq lists ${e.queue_name}/${e.queue_id}, which the model says is gone: ${JSON.stringify(e)}`);
    listed.add(e.queue_id);
    if (e.queue_name !== m.place) throw new ModelError(`${m.key} (${m.qid}) is in ${e.queue_name}, the model says ${m.place}`);
    const shown = e.recipients.map((r) => r.address).sort();
    const want = model.listed(m).sort();
    if (shown.join(' ') !== want.join(' ')) throw new ModelError(`${m.key} (${m.qid}) showq recipients [${shown.join(' ')}], the model lists [${want.join(' ')}]`);
    const sender = m.sender || 'MAILER-DAEMON';
    if (e.sender !== sender) throw new ModelError(`${m.key} (${m.qid}) showq sender ${e.sender}, expected ${sender}`);
  }
  for (const m of model.live()) {
    if (!listed.has(m.qid)) throw new ModelError(`${m.key} (${m.qid}) has pending [${model.pending(m).join(' ')}] in ${m.place} but showq does not list it`);
  }
}

/** Finals and parent ID of a DSN, from its queue file or the content an agent saw. */
async function dsnReport(sys: QueueSystem, m: ModelMessage): Promise<{ parent?: string; finals: string[] } | undefined> {
  let text = sys.contents.get(m.qid);
  if (text === undefined && m.place !== 'gone') {
    for (const q of ['incoming', 'deferred', 'hold']) {
      try {
        text = (await readQueueFile(sys.layout.pathOf(q, m.qid))).content.toString('latin1');
        break;
      } catch { /* not there */ }
    }
  }
  if (text === undefined) return undefined;
  const parent = /^X-Postfix-Queue-ID: (\S+)$/m.exec(text)?.[1];
  const finals = [...text.matchAll(/^Final-Recipient: rfc822; (\S+)$/gm)].map((x) => x[1]!);
  return { parent, finals };
}

async function dsnsAndAccounting(sys: QueueSystem, model: QueueModel): Promise<void> {
  for (const m of model.messages) {
    if (!m.dsn) continue;
    const rep = await dsnReport(sys, m);
    if (!rep) continue; // deleted by postsuper before anything read it
    if (rep.parent !== m.dsn.parentQid) throw new ModelError(`DSN ${m.qid} names ${rep.parent}, expected ${m.dsn.parentQid}`);
    const missing = m.dsn.mustList.filter((a) => !rep.finals.includes(a));
    if (missing.length) throw new ModelError(`DSN ${m.qid} for ${m.dsn.parentQid} does not list [${missing.join(' ')}] (lists [${rep.finals.join(' ')}])`);
    const parent = model.messages.find((p) => p.key === m.dsn!.parentKey);
    for (const a of rep.finals) {
      if (parent?.rcpts.get(a) === 'delivered' && !model.divergences.deferLogAccumulates) throw new ModelError(`DSN ${m.qid} reports ${a} of ${parent.key} as failed, but it was delivered`);
    }
  }
  for (const m of model.messages) {
    for (const [addr, state] of m.rcpts) {
      const key = rk(m.key, addr);
      const applied = model.applied.get(key) ?? 0;
      const raw = model.raw.get(key) ?? 0;
      const exposed = model.exposures.get(key) ?? 0;
      if (state === 'delivered' && applied !== 1) throw new ModelError(`${m.key}: ${addr} is delivered but qmgr recorded ${applied} deliveries`);
      if (state !== 'delivered' && applied !== 0) throw new ModelError(`${m.key}: ${addr} is ${state} but was recorded as delivered`);
      if (raw > 1 + exposed) throw new ModelError(`${m.key}: ${addr} delivered ${raw} times with ${exposed} crash exposure(s)`);
      if (state === 'bounced' && m.sender && !m.dsn) {
        const from = model.bouncedFrom.get(key)!;
        const dsnKnown = model.messages.some((d) => d.dsn?.parentQid === from);
        if (!dsnKnown) throw new ModelError(`${m.key}: ${addr} bounced (as ${from}) without a DSN to <${m.sender}>`);
      }
      if (state === 'bounced' && !m.sender && model.messages.some((d) => d.dsn?.parentQid === m.qid)) {
        throw new ModelError(`${m.key}: a DSN was sent for a null-sender message`);
      }
    }
  }
}

export async function checkInvariants(sys: QueueSystem, model: QueueModel): Promise<void> {
  await queueFiles(sys, model);
  await showqAgrees(sys, model);
  await dsnsAndAccounting(sys, model);
}
