/**
 * The two mail systems the smtpd fuzzer plays every session against: a private real Postfix
 * (the oracle) and the reference MTA, each with its own capture peer, both started once from
 * the fuzzer's configuration (smtpd-config.ts) and kept running from session to session.
 * Called by the campaign (smtpd-campaign.ts).
 *
 * A session is played on both at once (smtpd-player.ts); then each side waits until its mail
 * has settled, and what it did is observed as the scenario runner observes a run
 * (harness/scenario/run.ts: the transcript, the maillog, what the peer received, the mail spool,
 * the queue files and listing), normalised and compared with harness/compare exactly as the
 * conformance suite compares a target with Postfix.
 *
 * Why a long-lived pair and not a fresh pair per session: starting Postfix and the reference
 * takes about a second each on a 2-core machine, several times what a session takes.
 *
 * Why nothing leaks from one session into the next:
 *  - each session's own sender and recipient local parts carry a tag no other session uses
 *    (smtpd-grammar.ts renderSession), so no mail of one session can pass for another's;
 *  - a session's observation holds only what came after its start: the maillog lines, the peer
 *    connections and the queue IDs from that point on (queue IDs are named Q1… afresh: first
 *    the client's own messages in the order smtpd opened them, then the others, notices and
 *    forwarded copies, as they appear; a notice for the client's first message and the client's
 *    next transaction run at the same time, so the order of their queue files is a race, not
 *    a behaviour — clientQueueIdNames());
 *  - the session is observed only once its mail has settled: smtpd logged the end of the
 *    session, incoming/, active/ and maildrop/ are empty, every peer connection is closed, and
 *    the maillog has been quiet for QUIET_MS; the mail spool is then emptied;
 *  - smtpd keeps no state between connections here: anvil is not asked (every limit 0),
 *    connection caching to the peer is off, there is no TLS session cache, no verify cache;
 *  - checked, not assumed: before every session both queues must be empty (every queue,
 *    deferred/ and hold/ too, and the per-recipient logs) and every peer connection closed;
 *    when a session leaves anything behind, both instances are thrown away and a fresh pair
 *    is started (`restarts` counts them).
 *
 * When real Postfix's smtpd crashes during a session (master(8) logs "process … killed by
 * signal N"), the oracle has a defect, not an answer: the session is marked (`oracleCrash`) and
 * the pair restarted, since master(8) would otherwise hold the smtpd service back for
 * service_throttle_time (60 s) and every later session would wait for it. Postfix 3.7.11 has
 * such a defect: an SMTP client that makes a BDAT command fail and then sends DATA crashes
 * smtpd (RCPT state not reset after the error; fixed in Postfix 3.7.22, see its HISTORY file).
 */
import { dirname, join } from 'node:path';
import { rmSync } from 'node:fs';
import type { Target, TargetName } from '../targets/types.ts';
import { createTarget } from '../targets/index.ts';
import { copyConnections, createSink, type Sink } from '../sink/sink.ts';
import type { MaillogEvent } from '../observe/events.ts';
import { createNormaliser } from '../observe/normalise.ts';
import { filesBelow, readQueueFiles, readSpool } from '../observe/leftovers.ts';
import type { QueueEntry } from '../observe/postqueue.ts';
import { SERVER_CLOSED, type Observation, type TranscriptLine } from '../scenario/run.ts';
import { compareObservations, type TargetDifference } from '../compare/diff.ts';
import { FUZZ_SINK, fuzzMailConfig } from './smtpd-config.ts';
import { renderSession, sessionTag, type FuzzSession } from './smtpd-grammar.ts';
import { playSession, type PlayedSession } from './smtpd-player.ts';

/** The transcript's name in compared items ("smtp session"). */
export const SESSION_NAME = 'session';

/** Queues a message is in while it is still on its way. */
const BUSY_QUEUES = ['incoming', 'active', 'maildrop'];
/** Every queue directory that must be empty between sessions. */
const ALL_QUEUES = ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt', 'saved', 'bounce', 'defer', 'trace'];

/** smtpd's last line of a session. */
const SESSION_END = new Set(['disconnect', 'lost-connection', 'too-many-errors', 'timeout']);

/** How long the maillog and the peer must stay unchanged before a session is observed, and the most to wait. */
const QUIET_MS = 200;
const SETTLE_MAX_MS = 15_000;

interface Side {
  name: TargetName;
  target: Target;
  sink: Sink;
}

/** Where a side stood when a session started. */
interface Mark {
  events: number;
  connections: number;
}

export interface SessionResult {
  /** The tag the session's addresses carried. */
  tag: string;
  postfix: Observation;
  /** The other side's observation (the reference's, or the second Postfix's). */
  reference: Observation;
  /** Items that differ, Postfix's lines first. */
  differences: TargetDifference[];
  /** Why the pair was restarted after this session (what it left behind), if it was. */
  restarted?: string;
  /** master(8)'s line when real Postfix's smtpd crashed during the session: not comparable. */
  oracleCrash?: string;
}

/** master(8)'s warning when a daemon process dies of a signal. */
const DAEMON_CRASH = /postfix\/master\[\d+\]: warning: process \S+ pid \d+ killed by signal \d+/;

/** smtpd's line when it opens a queue file for the client: "smtpd[pid]: QID: client=…". */
const CLIENT_QUEUE_FILE = /\bsmtpd\[\d+\]: ([0-9A-Za-z]+): client=/g;

/**
 * The names Q1, Q2… of the queue files smtpd opened for the client, in the order it opened
 * them (the session decides that order); the other queue IDs are named after these as they
 * appear (see the header: why).
 */
export function clientQueueIdNames(maillog: string): Record<string, string> {
  const names: Record<string, string> = {};
  let n = 0;
  for (const m of maillog.matchAll(CLIENT_QUEUE_FILE)) names[m[1]!] ??= `Q${++n}`;
  return names;
}

/** master(8)'s crash warning in an observed maillog (times and pids as logged), if there is one. */
export function daemonCrash(maillog: string): string | undefined {
  return DAEMON_CRASH.exec(maillog)?.[0];
}

async function startSide(name: TargetName): Promise<Side> {
  const sink = await createSink({});
  const target = createTarget(name, { vars: { [`sink:${FUZZ_SINK}`]: sink.relay } });
  try {
    await target.start(fuzzMailConfig());
  } catch (e) {
    await target.dispose();
    await sink.close();
    throw e;
  }
  return { name, target, sink };
}

async function disposeSide(s: Side): Promise<void> {
  await s.target.dispose();
  await s.sink.close();
}

/** What a side has left that would leak into the next session ([] when nothing). */
export function leftovers(s: Side): string[] {
  const out: string[] = [];
  for (const q of ALL_QUEUES) {
    const n = filesBelow(join(s.target.queueDir, q)).length;
    if (n) out.push(`${s.name}: ${n} file(s) in ${q}/`);
  }
  const open = s.sink.connections().filter((c) => c.closedBy === undefined).length;
  if (open) out.push(`${s.name}: ${open} peer connection(s) still open`);
  return out;
}

function mark(s: Side): Mark {
  return { events: s.target.events().length, connections: s.sink.connections().length };
}

const busy = (s: Side, m: Mark) =>
  BUSY_QUEUES.some((q) => filesBelow(join(s.target.queueDir, q)).length > 0) ||
  s.sink.connections().slice(m.connections).some((c) => c.closedBy === undefined);

/**
 * Wait until the session's mail has settled on one side: smtpd logged the session's end, no
 * message is on its way, every peer connection is closed, and nothing was logged for QUIET_MS.
 */
async function settle(s: Side, m: Mark): Promise<void> {
  await s.target.waitForEvent((e) => e.service === 'smtpd' && SESSION_END.has(e.kind), 10_000, m.events).catch(() => undefined);
  const deadline = Date.now() + SETTLE_MAX_MS;
  const state = () => `${s.target.events().length} ${s.sink.connections().map((c) => `${c.commands.length}${c.closedBy ?? ''}`).join(',')}`;
  let last = state();
  let since = Date.now();
  while (Date.now() < deadline) {
    // each wait is on the next maillog line, bounded by the quiet period still needed
    const quietLeft = QUIET_MS - (Date.now() - since);
    if (quietLeft <= 0 && !busy(s, m)) return;
    await s.target.waitForEvent(() => true, Math.max(quietLeft, 50), s.target.events().length).catch(() => undefined);
    const now = state();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

/** The session's observation on one side, in the scenario runner's shape (run.ts Observation). */
async function observe(s: Side, m: Mark, played: PlayedSession): Promise<Observation> {
  const maillog = s.target.maillog().split('\n').filter((l) => l.trim() !== '').slice(m.events).map((l) => `${l}\n`).join('');
  const norm = createNormaliser({ foreign: (id) => s.sink.issued(id), names: clientQueueIdNames(maillog) });
  const lines: TranscriptLine[] = played.lines.map((l) => ({ dir: l.dir, text: l.text }));
  if (played.serverClosedAt !== undefined) lines.splice(played.serverClosedAt, 0, { dir: 'S', text: SERVER_CLOSED });
  const transcript = lines.map((l) => ({ dir: l.dir, text: norm.text(l.text) }));
  const events: MaillogEvent[] = s.target.events().slice(m.events).map((e) => norm.event(e));
  let queue: QueueEntry[] = [];
  let queueError: string | undefined;
  try {
    queue = (await s.target.queue()).map((e) => norm.value(e));
  } catch (e) {
    queueError = (e as Error).message;
  }
  return {
    transcripts: [{ name: SESSION_NAME, lines: transcript }],
    events,
    maillog,
    sinks: { [FUZZ_SINK]: copyConnections(s.sink.connections().slice(m.connections)) },
    queue,
    mailboxes: {},
    spool: readSpool(s.target.mailDir),
    queueFiles: await readQueueFiles(s.target.queueDir, s.target.configDir),
    queueIds: norm.names(),
    root: dirname(s.target.configDir),
    retriedLines: [],
    ...(queueError === undefined ? {} : { queueError }),
  };
}

/** Empty the mail spool (mailboxes, the drop directory's files) for the next session. */
function emptySpool(s: Side): void {
  for (const f of filesBelow(s.target.mailDir)) rmSync(join(s.target.mailDir, f), { force: true });
}

async function playOne(s: Side, session: FuzzSession, tag: string): Promise<Observation> {
  const m = mark(s);
  const played = await playSession(s.target.smtp.port, renderSession(session, tag));
  await settle(s, m);
  return observe(s, m, played);
}

export class SmtpdFuzzPair {
  /** How often the pair was thrown away and started afresh because a session left something. */
  restarts = 0;
  private sessions = 0;

  private constructor(private sides: [Side, Side]) {}

  /**
   * Start Postfix and `other`: the reference, or Postfix again for the fuzzer's own noise
   * check (`--against postfix`: two instances of Postfix must never differ).
   */
  static async start(other: TargetName = 'reference'): Promise<SmtpdFuzzPair> {
    const [p, r] = await Promise.allSettled([startSide('postfix'), startSide(other)]);
    if (p.status === 'rejected' || r.status === 'rejected') {
      for (const x of [p, r]) if (x.status === 'fulfilled') await disposeSide(x.value);
      throw (p.status === 'rejected' ? p.reason : (r as PromiseRejectedResult).reason) as Error;
    }
    return new SmtpdFuzzPair([p.value, r.value]);
  }

  /** Play one session on both targets and compare what each did. */
  async run(session: FuzzSession): Promise<SessionResult> {
    const before = this.sides.flatMap(leftovers);
    if (before.length) await this.restart();
    const tag = sessionTag(this.sessions++);
    const [postfix, reference] = await Promise.all(this.sides.map((s) => playOne(s, session, tag)));
    const other = this.sides[1].name;
    const differences = compareObservations(postfix!, reference!, ['postfix', other === 'postfix' ? 'postfix#2' : other]);
    for (const s of this.sides) emptySpool(s);
    const left = this.sides.flatMap(leftovers);
    const result: SessionResult = { tag, postfix: postfix!, reference: reference!, differences };
    const crash = daemonCrash(postfix!.maillog);
    if (crash) result.oracleCrash = crash;
    if (left.length || crash) {
      result.restarted = [...left, ...(crash ? ['real Postfix crashed'] : [])].join('; ');
      await this.restart();
    }
    return result;
  }

  private async restart(): Promise<void> {
    this.restarts++;
    await Promise.all(this.sides.map(disposeSide));
    const fresh = await SmtpdFuzzPair.start(this.sides[1].name);
    this.sides = fresh.sides;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.sides.map(disposeSide));
  }
}
