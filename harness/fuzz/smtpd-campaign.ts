/**
 * A seeded differential fuzzing campaign of smtpd (what `twinpost fuzz smtpd` runs): `runs`
 * generated sessions (smtpd-grammar.ts), each played on real Postfix and on the reference
 * (smtpd-pair.ts) and compared item by item.
 *
 * Run i is fast-check's run at path "i" for the seed, so `--seed S` plus a printed path replays
 * any session. A divergence of a kind not seen before is shrunk by fast-check to a minimal
 * session that still shows the same kind (at most `shrinkBudget` replays), and reported with
 * its seed, its counterexample path, Postfix's transcript and the diff; later sessions of a known
 * kind are only counted. A kind is the first differing item and its first removed and added
 * lines (divergenceKind).
 *
 * A session that crashes real Postfix's smtpd (SessionResult.oracleCrash) is no divergence: the
 * oracle has no answer there. It is counted and its replay path kept (`oracleCrashes`), never
 * shrunk, and a shrinking replay that crashes Postfix does not count as the kind being shrunk.
 */
import fc from 'fast-check';
import { smtpSessionArb, type FuzzSession, type SessionStep } from './smtpd-grammar.ts';
import { SmtpdFuzzPair, type SessionResult } from './smtpd-pair.ts';
import { observationItems } from '../compare/items.ts';
import type { TargetDifference } from '../compare/diff.ts';
import type { TargetName } from '../targets/types.ts';

export interface FoundCase {
  /** What kind of divergence (divergenceKind). */
  kind: string;
  seed: number;
  /** fast-check's counterexample path for `seed`: replays the session fast-check shrank to. */
  path: string;
  /** Whole steps, lines and chunks removed after fast-check's shrinking (reduceSteps); `session` is the result. */
  reducedFurther: boolean;
  session: FuzzSession;
  /** The session tag the minimal case was played with. */
  tag: string;
  /** Postfix's transcript of the minimal session (normalised, as compared). */
  transcript: string[];
  /** What differed, as unified diffs. */
  differences: { item: string; diff: string }[];
  /** Postfix's replies per write of the minimal session (for a regression scenario). */
  replies: string[][];
  /** Whether Postfix's server closed the connection, and after which write (index). */
  closedAfterWrite?: number;
  /** Postfix logged this many "removed" lines: the regression scenario waits for them. */
  removed: number;
}

export interface SmtpdCampaignProgress {
  run: number;
  runs: number;
  /** Sessions played, shrinking replays included. */
  sessions: number;
  divergent: number;
  kinds: number;
  seconds: number;
}

export interface SmtpdCampaignResult extends SmtpdCampaignProgress {
  seed: number;
  found: FoundCase[];
  /** Runs per kind (the first run's minimal case is in `found`). */
  counts: Record<string, number>;
  sessionsPerMinute: number;
  restarts: number;
  /** Runs whose session crashed real Postfix's smtpd (not compared), with their replay paths. */
  oracleCrashes: { path: string; line: string }[];
}

export interface SmtpdCampaignOptions {
  runs: number;
  seed: number;
  /** Most replays spent shrinking one divergence (default DEFAULT_SHRINK_BUDGET). */
  shrinkBudget?: number;
  progress?: (p: SmtpdCampaignProgress) => void;
  /** Called with each new kind's minimal case as soon as it is known. */
  onFound?: (f: FoundCase) => void;
  /** Stop after the first divergence (the CI test). */
  stopAtFirst?: boolean;
  /** What Postfix is compared with (default the reference; "postfix" checks the fuzzer's own noise). */
  against?: TargetName;
}

export const DEFAULT_SHRINK_BUDGET = 60;

const clip = (s: string) => (s.length > 120 ? `${s.slice(0, 117)}...` : s);

/**
 * The kind of a divergence: the first differing item (queue ID names and session tags taken out)
 * and its first removed (Postfix) and added (reference) lines.
 */
export function divergenceKind(differences: TargetDifference[], tag: string): string {
  const d = differences[0];
  if (!d) return '';
  const body = d.diff.split('\n').filter((l) => !l.startsWith('---') && !l.startsWith('+++') && !l.startsWith('@@'));
  const first = (sign: string) => clip(body.find((l) => l.startsWith(sign))?.slice(1).split(tag).join('<tag>').replace(/\bQ\d+\b/g, 'Qn') ?? '(none)');
  return `${d.item.replace(/\bQ\d+\b/g, 'Qn')}: postfix ${JSON.stringify(first('-'))} / reference ${JSON.stringify(first('+'))}`;
}

/** Postfix's replies per write, and after which write it closed (from its played transcript). */
function repliesPerWrite(r: SessionResult): { replies: string[][]; closedAfterWrite?: number } {
  const lines = r.postfix.transcripts[0]?.lines ?? [];
  const replies: string[][] = [];
  let closedAfterWrite: number | undefined;
  let current: string[] | undefined; // replies before the first write: the greeting, left out
  for (const l of lines) {
    if (l.dir === 'C') {
      if (l.text === '(the client closed the connection)') continue;
      current = [];
      replies.push(current);
    } else if (l.text === '(the server closed the connection)') {
      closedAfterWrite = replies.length - 1;
    } else current?.push(l.text);
  }
  return { replies, ...(closedAfterWrite === undefined ? {} : { closedAfterWrite }) };
}

export function foundCase(kind: string, seed: number, path: string, session: FuzzSession, r: SessionResult, reducedFurther = false): FoundCase {
  const transcript = observationItems(r.postfix).find((i) => i.name === 'smtp session')?.lines ?? [];
  return {
    kind,
    seed,
    path,
    reducedFurther,
    session,
    tag: r.tag,
    transcript,
    differences: r.differences.map((d) => ({ item: d.item, diff: d.diff })),
    ...repliesPerWrite(r),
    removed: r.postfix.events.filter((e) => e.kind === 'removed').length,
  };
}

/** A found case as text: how to replay it, Postfix's transcript, every difference. */
export function describeFound(f: FoundCase): string {
  return [
    `divergence: ${f.kind}`,
    `  replay: twinpost fuzz smtpd --seed ${f.seed} --path ${f.path}${f.reducedFurther ? ' (then reduced further by dropping steps: the session below; a saved case replays it with --replay FILE)' : ''}`,
    '  minimal session on postfix:',
    ...f.transcript.map((l) => `    ${l}`),
    ...f.differences.flatMap((d) => [`  differs: ${d.item}`, ...d.diff.split('\n').map((l) => `    ${l}`)]),
  ].join('\n');
}

export async function runSmtpdCampaign(o: SmtpdCampaignOptions): Promise<SmtpdCampaignResult> {
  const started = Date.now();
  const budget = o.shrinkBudget ?? DEFAULT_SHRINK_BUDGET;
  const out: SmtpdCampaignResult = {
    seed: o.seed, run: 0, runs: o.runs, sessions: 0, divergent: 0, kinds: 0, seconds: 0, found: [], counts: {}, sessionsPerMinute: 0, restarts: 0, oracleCrashes: [],
  };
  const pair = await SmtpdFuzzPair.start(o.against);
  try {
    for (let i = 0; i < o.runs; i++) {
      let kind: string | undefined; // the kind being shrunk
      let attempts = 0;
      let last: { session: FuzzSession; result: SessionResult } | undefined;
      const property = fc.asyncProperty(smtpSessionArb, async (session) => {
        if (kind !== undefined && attempts >= budget) return true; // budget spent: keep the smallest so far
        const r = await pair.run(session);
        out.sessions++;
        if (r.oracleCrash) {
          if (kind === undefined) out.oracleCrashes.push({ path: String(i), line: r.oracleCrash });
          else attempts++;
          return true;
        }
        const k = divergenceKind(r.differences, r.tag);
        if (kind === undefined) {
          // the run itself
          if (!k) return true;
          out.divergent++;
          out.counts[k] = (out.counts[k] ?? 0) + 1;
          if (out.counts[k] > 1) return true; // a known kind: counted, not shrunk again
          kind = k;
          last = { session, result: r };
          return false;
        }
        attempts++;
        if (k !== kind) return true;
        last = { session, result: r };
        return false;
      });
      const check = await fc.check(property, { seed: o.seed, path: String(i), numRuns: 1, endOnFailure: false });
      out.run = i + 1;
      if (check.failed && last && kind) {
        const shrunk = last.session;
        const k = kind;
        const reduced = await reduceSteps(last.session, last.result, async (s) => {
          const r = await pair.run(s);
          out.sessions++;
          return !r.oracleCrash && divergenceKind(r.differences, r.tag) === k ? r : undefined;
        }, budget);
        const f = foundCase(kind, o.seed, check.counterexamplePath ?? String(i), reduced.session, reduced.result, reduced.session !== shrunk);
        out.found.push(f);
        o.onFound?.(f);
      } else if (check.failed && check.errorInstance) {
        throw check.errorInstance; // the harness failed, not the comparison
      }
      out.kinds = out.found.length;
      out.seconds = (Date.now() - started) / 1000;
      o.progress?.({ run: out.run, runs: out.runs, sessions: out.sessions, divergent: out.divergent, kinds: out.kinds, seconds: out.seconds });
      if (o.stopAtFirst && out.found.length) break;
    }
  } finally {
    out.restarts = pair.restarts;
    await pair.dispose();
  }
  out.seconds = (Date.now() - started) / 1000;
  out.sessionsPerMinute = out.seconds > 0 ? (out.sessions * 60) / out.seconds : 0;
  return out;
}

/** One session smaller than `s` by a whole step, one line of a step, or one BDAT chunk, each way there is. */
export function smallerSessions(s: FuzzSession): FuzzSession[] {
  const out: FuzzSession[] = [];
  const withStep = (i: number, step: SessionStep | undefined): FuzzSession => ({
    ...s,
    steps: step ? s.steps.map((x, j) => (j === i ? step : x)) : s.steps.filter((_, j) => j !== i),
  });
  s.steps.forEach((step, i) => {
    out.push(withStep(i, undefined));
    if (step.kind === 'commands' && step.lines.length > 1) step.lines.forEach((_, j) => out.push(withStep(i, { ...step, lines: step.lines.filter((__, k) => k !== j) })));
    if (step.kind === 'data') step.before.forEach((_, j) => out.push(withStep(i, { ...step, before: step.before.filter((__, k) => k !== j) })));
    if (step.kind === 'bdat' && step.chunks.length > 1) step.chunks.forEach((_, j) => out.push(withStep(i, { ...step, chunks: step.chunks.filter((__, k) => k !== j) })));
  });
  if (s.end === 'hangup') out.push({ ...s, end: 'quit' });
  return out;
}

/**
 * After fast-check's shrinking (which spends its budget inside values as much as on dropping
 * steps): drop whole steps, lines and chunks one at a time while the divergence stays
 * (`stillDiverges` plays a candidate and returns its result when it still shows the kind), at
 * most `budget` replays.
 */
export async function reduceSteps(
  session: FuzzSession,
  result: SessionResult,
  stillDiverges: (s: FuzzSession) => Promise<SessionResult | undefined>,
  budget: number,
): Promise<{ session: FuzzSession; result: SessionResult }> {
  let best = { session, result };
  let tries = 0;
  for (let progress = true; progress && tries < budget; ) {
    progress = false;
    for (const candidate of smallerSessions(best.session)) {
      if (tries++ >= budget) break;
      const r = await stillDiverges(candidate);
      if (r) {
        best = { session: candidate, result: r };
        progress = true;
        break;
      }
    }
  }
  return best;
}

/** Replay one session (e.g. of a found case, or `--seed S --path P`) on a fresh pair. */
export async function replaySession(session: FuzzSession): Promise<SessionResult> {
  const pair = await SmtpdFuzzPair.start();
  try {
    return await pair.run(session);
  } finally {
    await pair.dispose();
  }
}

/** The session at `path` for `seed` (fast-check's replay of a counterexample path). */
export function sessionAtPath(seed: number, path: string): FuzzSession {
  let found: FuzzSession | undefined;
  // the property fails on the value at `path`, so fast-check stops there and hands it back
  const check = fc.check(
    fc.property(smtpSessionArb, (s) => {
      found = s;
      return false;
    }),
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (!found || !check.failed) throw new Error(`no session at path ${path} for seed ${seed}`);
  return check.counterexample![0];
}
