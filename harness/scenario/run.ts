/**
 * Runs one scenario on one target and collects what happened: SMTP transcripts, maillog
 * events, what each sink received, the queue, mailboxes. Then checks the expectations.
 * Everything it starts (sinks, the target) is disposed of in `finally`, also on failure.
 */
import type { Scenario, Step, DialogLine, ReplyExpect } from './types.ts';
import type { Target, TargetName } from '../targets/types.ts';
import type { MaillogEvent } from '../observe/events.ts';
import type { QueueEntry } from '../observe/postqueue.ts';
import type { SinkConnection } from '../sink/types.ts';
import { copyConnections, createSink, type Sink } from '../sink/sink.ts';
import { SmtpDialog } from '../smtp/dialog.ts';
import { createNormaliser, type Normaliser } from '../observe/normalise.ts';
import { readQueueFiles, readSpool, type QueueFile, type SpoolFile } from '../observe/leftovers.ts';
import { createTarget } from '../targets/index.ts';
import { fieldDiff, matchesFields } from '../compare/match.ts';
import { replyDiff } from '../compare/match.ts';
import { checkExpectations, queueDiff, type Failure } from './check.ts';
import { startPostgres, type PrivatePostgres } from '../pg/index.ts';
import { proxymapOnce } from '../clients/proxymap.ts';
import { instanceDirs, substitute } from '../targets/config-dir.ts';
import { dirname } from 'node:path';
import { scheduleDiff, scheduleFigures, type ScheduleFigures } from './schedule-check.ts';

export interface TranscriptLine {
  dir: 'C' | 'S';
  text: string;
}

export interface Observation {
  /** Normalised SMTP sessions; a server close is the line SERVER_CLOSED at the point it came. */
  transcripts: { name: string; lines: TranscriptLine[] }[];
  /** Normalised maillog events (queue IDs Q1, Q2…, times and pids masked). */
  events: MaillogEvent[];
  /** The raw maillog, for reports and the comparison. */
  maillog: string;
  sinks: Record<string, SinkConnection[]>;
  /** The queue listing at the end (postqueue -j shape), normalised. */
  queue: QueueEntry[];
  /** The mailboxes the expectations name, raw. */
  mailboxes: Record<string, string>;
  /** Every file below the mail spool (mailboxes, maildirs, the drop directory), raw. */
  spool: SpoolFile[];
  /** Every queue file left at the end (postcat -e) and every per-recipient log, raw. */
  queueFiles: QueueFile[];
  /** The queue ID names the run gave (raw ID → Q1, Q2…), so the comparison names IDs the same. */
  queueIds: Record<string, string>;
  /** The instance's temporary root: it differs between runs. */
  root: string;
  /** Why the queue could not be listed at the end (the target was down): a scenario error. */
  queueError?: string;
  /**
   * The smtpd lines of smtp-until attempts that were retried, as indexes of the maillog's
   * non-blank lines (= of the target's events): waiting, not behaviour (how many attempts a
   * time limit takes depends on timing), so they are left out of the comparison as the
   * attempts' transcripts are. (Indexes, not texts: one smtpd process can log the same line
   * text for two sessions within one second.)
   */
  retriedLines: number[];
  /** The figures each sink-schedule step measured, in step order (for `twinpost run --repeat`). */
  schedules?: ScheduleRecord[];
}

/** What one sink-schedule step measured. */
export interface ScheduleRecord {
  /** The step's number in the scenario (1-based). */
  step: number;
  sink: string;
  figures: ScheduleFigures;
}

/** The transcript line that marks where the server closed the connection. */
export const SERVER_CLOSED = '(the server closed the connection)';

export interface ScenarioOutcome {
  scenario: Scenario;
  target: TargetName;
  /** The run's name in progress lines and reports when it differs from the target's ("postfix#2"). */
  label?: string;
  status: 'passed' | 'failed' | 'error';
  failures: Failure[];
  error?: string;
  durationMs: number;
  observation?: Observation;
}

/** Every failure and the error of an outcome as one text ("" when it passed), for test messages. */
export function explainOutcome(o: ScenarioOutcome): string {
  return [...o.failures.map((f) => `✗ ${f.expectation}\n${f.diff}`), o.error ?? ''].filter(Boolean).join('\n\n');
}

export interface RunOptions {
  /** Called with one-line progress messages. */
  progress?: (msg: string) => void;
  timeoutMs?: number;
  /** A name for this run other than the target's, e.g. "postfix#2" for a second run of postfix. */
  label?: string;
  /** Makes the target (default: targets/index.ts's createTarget); tests wrap a real one. */
  makeTarget?: typeof createTarget;
}

export async function runScenario(scenario: Scenario, targetName: TargetName, opts: RunOptions = {}): Promise<ScenarioOutcome> {
  const started = Date.now();
  const sinks: Record<string, Sink> = {};
  let target: Target | undefined;
  const failures: Failure[] = [];
  const transcripts: Observation['transcripts'] = [];
  // The peers' own "queued as" IDs are not the mail system's: they take no Q number.
  const norm = createNormaliser({ foreign: (id) => Object.values(sinks).some((s) => s.issued(id)) });
  let observation: Observation | undefined;
  let pg: PrivatePostgres | undefined;
  const open = new Map<string, SmtpDialog>();
  const retriedLines: number[] = [];
  const schedules: ScheduleRecord[] = [];
  try {
    const vars: Record<string, string> = {};
    for (const [name, o] of Object.entries(scenario.sinks ?? {})) {
      const sink = await createSink(o);
      sinks[name] = sink;
      vars[`sink:${name}`] = sink.relay;
      vars[`sink:${name}:host`] = sink.endpoint.host;
      vars[`sink:${name}:port`] = String(sink.endpoint.port);
    }
    if (scenario.postgres) {
      pg = await startPostgres({ timeoutMs: opts.timeoutMs });
      await pg.sql(substitute(scenario.postgres.sql, vars));
      Object.assign(vars, { 'pg:host': pg.host, 'pg:port': String(pg.port), 'pg:socket': pg.socketDir, 'pg:user': pg.user, 'pg:dbname': pg.dbname });
    }
    target = (opts.makeTarget ?? createTarget)(targetName, { vars, timeoutMs: opts.timeoutMs });
    await target.start(scenario.config);
    const ctx: StepContext = { target, sinks, transcripts, failures, norm, timeoutMs: opts.timeoutMs ?? 20_000, open, retriedLines, schedules };
    for (const [i, step] of scenario.steps.entries()) {
      await runStep(ctx, step, i + 1);
    }
    await expectedEventsLogged(ctx, scenario.expect.events ?? []);
    await settled(target, sinks);
    observation = await observe(target, sinks, scenario, transcripts, norm, retriedLines, schedules);
    if (observation.queueError !== undefined) {
      throw new Error(`the queue could not be listed at the end: ${observation.queueError} (a scenario that stops or crashes the mail system restarts it before it ends)`);
    }
    failures.push(...checkExpectations(scenario, observation));
    return { scenario, target: targetName, ...labelOf(opts), status: failures.length ? 'failed' : 'passed', failures, durationMs: Date.now() - started, observation };
  } catch (err) {
    if (target && !observation) {
      try {
        observation = await observe(target, sinks, scenario, transcripts, norm, retriedLines, schedules);
      } catch {
        /* keep the original error */
      }
    }
    const e = err as Error;
    return { scenario, target: targetName, ...labelOf(opts), status: 'error', failures, error: e.stack ?? String(e), durationMs: Date.now() - started, observation };
  } finally {
    for (const d of open.values()) await d.close();
    await target?.dispose();
    for (const s of Object.values(sinks)) await s.close();
    await pg?.stop();
  }
}

function labelOf(opts: RunOptions): { label?: string } {
  return opts.label === undefined ? {} : { label: opts.label };
}

interface StepContext {
  target: Target;
  sinks: Record<string, Sink>;
  transcripts: Observation['transcripts'];
  failures: Failure[];
  norm: Normaliser;
  timeoutMs: number;
  /** Sessions opened by smtp-open, by name. */
  open: Map<string, SmtpDialog>;
  /** See Observation.retriedLines. */
  retriedLines: number[];
  /** See Observation.schedules. */
  schedules: ScheduleRecord[];
}

async function runStep(ctx: StepContext, step: Step, n: number): Promise<void> {
  const where = `step ${n} (${step.kind})`;
  switch (step.kind) {
    case 'smtp':
      return void (await runDialog(ctx, step.dialog, step.name ?? `smtp session ${ctx.transcripts.length + 1}`, where, { greeting: step.greeting, preGreeting: step.preGreeting, clientAddress: step.clientAddress }));
    case 'smtp-open': {
      const d = await runDialog(ctx, step.dialog, step.name, where, { greeting: step.greeting, keepOpen: true });
      if (d) ctx.open.set(step.name, d);
      return;
    }
    case 'smtp-close': {
      const d = ctx.open.get(step.name);
      if (!d) throw new Error(`${where}: no open session "${step.name}"`);
      ctx.open.delete(step.name);
      await d.quit().catch(() => undefined);
      // The session's transcript was taken when it was opened; it now has its end too.
      const entry = [...ctx.transcripts].reverse().find((t) => t.name === step.name);
      if (entry) entry.lines = normalisedTranscript(ctx, d);
      return;
    }
    case 'smtp-until': {
      const deadline = Date.now() + (step.timeoutMs ?? ctx.timeoutMs);
      for (;;) {
        const attempt: Failure[] = [];
        const before = ctx.transcripts.length;
        const logFrom = ctx.target.events().length;
        await runDialog(ctx, step.dialog, step.name ?? `smtp session ${ctx.transcripts.length + 1}`, where, { greeting: step.greeting, failures: attempt }).catch((e: Error) =>
          attempt.push({ expectation: `${where}: session completes`, diff: e.message }),
        );
        if (!attempt.length) return;
        if (Date.now() >= deadline) return void ctx.failures.push(...attempt);
        // An attempt that is retried was waiting, not behaviour: only the last attempt's
        // transcript is kept (how many retries a target needs depends on timing).
        ctx.transcripts.splice(before);
        ctx.retriedLines.push(...(await attemptLines(ctx, logFrom)));
        await new Promise((r) => setTimeout(r, step.intervalMs ?? 250));
      }
    }
    case 'sink-connections': {
      const sink = needSink(ctx, step.sink);
      const conns = await sink.waitForClosed(sink.connections().length, step.timeoutMs ?? ctx.timeoutMs);
      const per = conns.map((c) => c.transactions.filter((t) => t.accepted).length);
      const from = conns.map((c) => c.remoteAddress.replace(/^::ffff:/, ''));
      const okCount = step.count === undefined || conns.length === step.count;
      const okPer = step.transactions === undefined || JSON.stringify(per) === JSON.stringify(step.transactions);
      const okFrom = step.clientAddresses === undefined || JSON.stringify(from) === JSON.stringify(step.clientAddresses);
      if (!okCount || !okPer || !okFrom) {
        const wantFrom = step.clientAddresses === undefined ? '' : ` from ${JSON.stringify(step.clientAddresses)}`;
        ctx.failures.push({
          expectation: `${where}: sink ${step.sink} saw ${step.count ?? '?'} connection(s) carrying ${JSON.stringify(step.transactions ?? '?')} message(s)${wantFrom}`,
          diff: `observed ${conns.length} connection(s) carrying ${JSON.stringify(per)} from ${JSON.stringify(from)}`,
        });
      }
      return;
    }
    case 'sink-schedule': {
      const sink = needSink(ctx, step.sink);
      const conns = await sink.waitForClosed(sink.connections().length, step.timeoutMs ?? ctx.timeoutMs);
      const figures = scheduleFigures(conns, step.expect);
      ctx.schedules.push({ step: n, sink: step.sink, figures });
      const bad = scheduleDiff(step.expect, figures);
      if (bad.length) {
        const all = Object.entries(figures).map(([k, v]) => `${k} ${v}`).join(', ');
        ctx.failures.push({ expectation: `${where}: sink ${step.sink}'s schedule within the ranges measured on Postfix`, diff: `${bad.join('\n')}\n(all figures: ${all})` });
      }
      return;
    }
    case 'proxymap': {
      // The table may name the instance's directories: {{configDir}}, {{queueDir}}, {{dataDir}}.
      const dirs = { ...instanceDirs(dirname(ctx.target.configDir)), configDir: ctx.target.configDir, queueDir: ctx.target.queueDir };
      const table = substitute(step.request.table, { configDir: dirs.configDir, queueDir: dirs.queueDir, dataDir: dirs.dataDir });
      const r = await proxymapOnce(ctx.target.queueDir, step.service ?? 'proxymap', { ...step.request, table });
      const bad = fieldDiff(step.expect, r as unknown as Record<string, unknown>);
      if (bad.length) ctx.failures.push({ expectation: `${where}: ${step.service ?? 'proxymap'} ${step.request.request} ${step.request.table}`, diff: bad.join('\n') });
      return;
    }
    case 'sendmail': {
      const r = await ctx.target.sendmail(step.args, step.message);
      const want = step.expectExit ?? 0;
      if (r.code !== want) ctx.failures.push({ expectation: `${where}: sendmail exits ${want}`, diff: `observed exit ${r.code}: ${r.stderr.trim()}` });
      return;
    }
    case 'wait': {
      const count = step.count ?? 1;
      const timeout = step.timeoutMs ?? ctx.timeoutMs;
      let from = 0;
      for (let i = 0; i < count; i++) {
        const ev = await ctx.target.waitForEvent((e) => matchesFields(step.event, ctx.norm.event(e) as unknown as Record<string, unknown>), timeout, from);
        from = ctx.target.events().indexOf(ev) + 1;
      }
      return;
    }
    case 'wait-sink':
      await needSink(ctx, step.sink).waitForTransactions(step.messages, step.timeoutMs ?? ctx.timeoutMs);
      return;
    case 'sink': {
      const sink = needSink(ctx, step.sink);
      if (step.action === 'down') await sink.down();
      else if (step.action === 'up') await sink.up();
      else sink.setFaults(step.faults ?? []);
      return;
    }
    case 'flush':
      return ctx.target.flush();
    case 'queue': {
      // The queue is checked until it matches or the timeout passes: qmgr moves a file
      // (active → deferred) just after the agent logged the attempt, on both targets.
      const deadline = Date.now() + (step.timeoutMs ?? ctx.timeoutMs);
      for (;;) {
        const d = queueDiff(step.expect, (await ctx.target.queue()).map((e) => ctx.norm.value(e) as QueueEntry));
        if (!d) return;
        if (Date.now() > deadline) {
          ctx.failures.push({ expectation: `${where}: queue`, diff: d });
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    case 'reload':
      return ctx.target.reload();
    case 'crash':
      return ctx.target.crash();
    case 'restart':
      return ctx.target.restart();
  }
}

/** smtpd's last line of a session. */
const SESSION_END = new Set(['disconnect', 'lost-connection', 'too-many-errors', 'timeout']);

/**
 * The smtpd lines one retried smtp-until attempt caused (their event indexes): its session's, from the first
 * "connect from" logged after the attempt started to that smtpd process's end of the session
 * (each waited for, up to 2 s: smtpd logs "disconnect" just after the close). Lines of an
 * earlier session that come late are another process's and stay.
 */
async function attemptLines(ctx: StepContext, from: number): Promise<number[]> {
  const smtpd = (kinds: Set<string>, pid?: number) => (e: MaillogEvent) => e.service === 'smtpd' && kinds.has(e.kind) && (pid === undefined || e.pid === pid);
  const connect = await ctx.target.waitForEvent(smtpd(new Set(['connect'])), 2000, from).catch(() => undefined);
  if (!connect) return [];
  const start = ctx.target.events().indexOf(connect);
  const end = await ctx.target.waitForEvent(smtpd(SESSION_END, connect.pid), 2000, start).catch(() => undefined);
  const events = ctx.target.events();
  const to = end ? events.indexOf(end) + 1 : events.length;
  const lines: number[] = [];
  for (let i = start; i < to; i++) if (events[i]!.service === 'smtpd' && events[i]!.pid === connect.pid) lines.push(i);
  return lines;
}

function needSink(ctx: StepContext, name: string): Sink {
  const s = ctx.sinks[name];
  if (!s) throw new Error(`scenario names an unknown sink "${name}"`);
  return s;
}

interface DialogOptions {
  /** Expected greeting (default 220). */
  greeting?: ReplyExpect;
  /** Bytes the client writes before it reads the greeting. */
  preGreeting?: string;
  /** The address the client connects from. */
  clientAddress?: string;
  /** Leave the session open and return it (smtp-open). */
  keepOpen?: boolean;
  /** Where reply mismatches go (default: the scenario's failures). */
  failures?: Failure[];
}

async function runDialog(ctx: StepContext, dialog: DialogLine[], name: string, where: string, o: DialogOptions = {}): Promise<SmtpDialog | undefined> {
  const s = await SmtpDialog.connect({ ...ctx.target.smtp, timeoutMs: ctx.timeoutMs, preGreeting: o.preGreeting, localAddress: o.clientAddress });
  const failures = o.failures ?? ctx.failures;
  const check = (what: string, want: DialogLine extends never ? never : Parameters<typeof replyDiff>[0] | undefined, got: { code: number; enhanced?: string; text: string }) => {
    if (want === undefined) return;
    const d = replyDiff(want, got);
    if (d) failures.push({ expectation: `${where} ${name}: ${what}`, diff: d });
  };
  let kept = false;
  try {
    check('greeting', o.greeting ?? 220, s.greeting);
    for (const line of dialog) {
      if ('command' in line) {
        check(line.command, line.expect, await s.command(line.command));
      } else if ('send' in line) {
        await s.send(line.send);
        if (line.expect !== undefined) check(`raw ${JSON.stringify(line.send.slice(0, 40))}`, line.expect, await s.readReply());
      } else if ('pipeline' in line) {
        const replies = await s.pipeline(line.pipeline);
        line.expect?.forEach((w, i) => check(line.pipeline[i] ?? `pipelined #${i + 1}`, w, replies[i] ?? { code: 0, text: '(no reply)' }));
      } else if ('data' in line) {
        check('end of DATA', line.expect, await s.data(line.data, { raw: line.raw }));
      } else if ('reply' in line) {
        check('next reply', line.reply, await s.readReply());
      } else if ('disconnect' in line) {
        await s.close();
      } else {
        const closed = await Promise.race([s.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ctx.timeoutMs))]);
        if (!closed) failures.push({ expectation: `${where} ${name}: server closes the connection`, diff: 'the connection stayed open' });
      }
    }
    kept = o.keepOpen === true;
    return kept ? s : undefined;
  } finally {
    if (!kept) await endSession(s, ctx.timeoutMs);
    ctx.transcripts.push({ name, lines: normalisedTranscript(ctx, s) });
  }
}

function normalisedTranscript(ctx: StepContext, s: SmtpDialog): TranscriptLine[] {
  return transcriptOf(s).map((l) => ({ dir: l.dir, text: ctx.norm.text(l.text) }));
}

/**
 * QUIT a session the scenario left open. After a 221 or 421 the server is closing already:
 * the harness waits for that close instead of racing it with a QUIT of its own (which would
 * show in the transcript or not depending on timing).
 */
async function endSession(s: SmtpDialog, timeoutMs: number): Promise<void> {
  const last = [...s.transcript].reverse().find((l) => l.dir === 'S');
  if (last && /^(?:221|421)[ -]/.test(last.text)) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([s.closed, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
  await s.quit().catch(() => undefined);
}

/** The session's transcript with the server's close, if it closed, as a line where it came. */
function transcriptOf(s: SmtpDialog): TranscriptLine[] {
  const lines: TranscriptLine[] = [...s.transcript];
  if (s.serverClosedAt !== undefined) lines.splice(s.serverClosedAt, 0, { dir: 'S', text: SERVER_CLOSED });
  return lines;
}

/** How long the end of a scenario waits for expected events still missing from the maillog. */
const LATE_EVENT_GRACE_MS = 3000;

/**
 * Postfix's maillog is not written in causal order: a delivery agent's status line or bounce's
 * "sender non-delivery notification" can come after qmgr's "removed" that a step waited for.
 * So the observation is taken once every expected event is there (at least `count` times), or
 * after a short grace period when one never comes (the check then reports it).
 */
async function expectedEventsLogged(ctx: StepContext, wants: NonNullable<Scenario['expect']['events']>): Promise<void> {
  const logged = () =>
    wants.every(({ count, ...fields }) => {
      const n = ctx.target.events().filter((e) => matchesFields(fields, ctx.norm.event(e) as unknown as Record<string, unknown>)).length;
      return n >= (count ?? 1);
    });
  if (wants.length === 0 || logged()) return;
  await ctx.target.waitForEvent(() => logged(), LATE_EVENT_GRACE_MS).catch(() => undefined);
}

/** How long the maillog and the peers must stay unchanged before the end is observed, and the most to wait. */
const QUIET_MS = 300;
const SETTLE_MAX_MS = 3000;

/**
 * Wait until nothing happens any more: no new maillog line, no new command at a peer, no
 * connection closing, for QUIET_MS (at most SETTLE_MAX_MS). An smtp(8) client QUITs, and a
 * daemon logs its last line, a moment after the event a scenario waited for; observing in
 * that moment would make two identical runs differ.
 */
async function settled(target: Target, sinks: Record<string, Sink>): Promise<void> {
  const state = () => `${target.maillog().length} ${Object.values(sinks).map((s) => s.connections().map((c) => `${c.commands.length}${c.closedBy ?? ''}`).join(',')).join(';')}`;
  const deadline = Date.now() + SETTLE_MAX_MS;
  let last = state();
  let since = Date.now();
  while (Date.now() - since < QUIET_MS && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    const now = state();
    if (now !== last) [last, since] = [now, Date.now()];
  }
}

async function observe(target: Target, sinks: Record<string, Sink>, scenario: Scenario, transcripts: Observation['transcripts'], norm: Normaliser, retriedLines: number[], schedules: ScheduleRecord[]): Promise<Observation> {
  const events = target.events().map((e) => norm.event(e));
  const users = new Set((scenario.expect.mailboxes ?? []).map((m) => m.user));
  const mailboxes: Record<string, string> = {};
  for (const u of users) mailboxes[u] = await target.mailbox(u);
  let queue: QueueEntry[] = [];
  let queueError: string | undefined;
  try {
    queue = (await target.queue()).map((e) => norm.value(e) as QueueEntry);
  } catch (err) {
    queueError = (err as Error).message;
  }
  const queueFiles = await readQueueFiles(target.queueDir, target.configDir);
  const sinkObs: Record<string, SinkConnection[]> = {};
  for (const [name, s] of Object.entries(sinks)) sinkObs[name] = copyConnections(s.connections());
  return {
    transcripts,
    events,
    maillog: target.maillog(),
    sinks: sinkObs,
    queue,
    mailboxes,
    spool: readSpool(target.mailDir),
    queueFiles,
    queueIds: norm.names(),
    root: dirname(target.configDir),
    retriedLines: [...retriedLines],
    ...(schedules.length ? { schedules: [...schedules] } : {}),
    ...(queueError === undefined ? {} : { queueError }),
  };
}
