/**
 * `twinpost fuzz smtpd`: the command line of the smtpd differential fuzzer, dispatched from
 * harness/commands/fuzz.ts. Modes:
 *   --runs N [--seed S]        a campaign (smtpd-campaign.ts); each new kind of divergence is
 *                              shrunk, printed (seed, path, Postfix's transcript, the diff) and
 *                              saved as JSON in --found-dir (default harness/fuzz/found)
 *   --seed S --path P          replay one session (a printed counterexample path)
 *   --replay FILE              replay a saved found case
 *   --to-spec FILE --name NAME --rule TEXT
 *                              write specs/smtpd-fuzz/NAME.ts from a saved found case
 * Exit status: 0 when no divergence was seen, 1 otherwise, 2 on bad usage.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, UsageError } from '../commands/args.ts';
import { parseSeed } from './seed.ts';
import { describeFound, DEFAULT_SHRINK_BUDGET, divergenceKind, foundCase, replaySession, runSmtpdCampaign, sessionAtPath } from './smtpd-campaign.ts';
import { loadFound, regressionScenario, saveFound } from './smtpd-regression.ts';
import type { FuzzSession } from './smtpd-grammar.ts';
import { reapStale } from '../util/cleanup.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_FOUND_DIR = join(REPO, 'harness', 'fuzz', 'found');

export const SMTPD_HELP = `usage: twinpost fuzz smtpd --runs N [--seed S] [--found-dir DIR] [--shrink-budget K] [--against T]
       twinpost fuzz smtpd --seed S --path P
       twinpost fuzz smtpd --replay FILE
       twinpost fuzz smtpd --to-spec FILE --name NAME --rule TEXT

Differential fuzzing of smtpd: generated SMTP sessions (commands in any case, odd whitespace
and line ends, ESMTP parameters valid and broken, quoted, routed, 8-bit and overlong addresses,
pipelining, BDAT, DATA with odd content) played byte for byte on a private real Postfix and on
the reference MTA, one long-lived instance of each; the replies, what the capture peer received,
the mailbox, the maillog and the queue files are compared as the conformance suite compares
them. Each new kind of divergence is shrunk to a minimal session, printed and saved.

options:
  --runs N           sessions to generate (a campaign)
  --seed S           seed (default: $TWINPOST_SEED, else random; printed)
  --path P           replay the session at fast-check path P of seed S
  --found-dir DIR    where found cases are saved (default harness/fuzz/found)
  --shrink-budget K  most replays spent shrinking one divergence (default ${DEFAULT_SHRINK_BUDGET})
  --against T        compare Postfix with T: reference (default), or postfix (a second
                     instance: the fuzzer's own noise check, must find nothing)
  --replay FILE      replay a saved found case on a fresh pair of instances
  --to-spec FILE     write a regression scenario from a found case (with --name, --rule)
  --name NAME        the scenario's file name under specs/smtpd-fuzz/
  --rule TEXT        the Postfix rule the scenario shows (its header comment)
  -h, --help         this text`;

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} needs a positive whole number, not "${v}"`);
  return Number(v);
}

function seedOf(text: string | undefined): number {
  const t = text ?? process.env.TWINPOST_SEED;
  try {
    return t ? parseSeed(t) : Math.floor(Math.random() * 0x7fffffff);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Play one session on a fresh pair and print the outcome; 0 when both did the same. */
async function replay(session: FuzzSession, seed: number, path: string): Promise<number> {
  const r = await replaySession(session);
  if (r.oracleCrash) {
    console.log(`fuzz smtpd: real Postfix's smtpd crashed in this session, nothing to compare (seed ${seed}, path ${path}): ${r.oracleCrash}`);
    return 1;
  }
  const kind = divergenceKind(r.differences, r.tag);
  if (!kind) {
    console.log(`fuzz smtpd: no divergence (seed ${seed}, path ${path})`);
    return 0;
  }
  console.log(describeFound(foundCase(kind, seed, path, session, r)));
  return 1;
}

export async function fuzzSmtpdCommand(argv: string[]): Promise<number> {
  const args = parseArgs(argv, ['runs', 'seed', 'path', 'found-dir', 'shrink-budget', 'replay', 'to-spec', 'name', 'rule', 'against'], ['help', 'h']);
  if (args.flags.has('help') || args.flags.has('h')) {
    console.log(SMTPD_HELP);
    return 0;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  const opt = (n: string) => args.options[n]?.at(-1);

  const toSpec = opt('to-spec');
  if (toSpec) {
    const name = opt('name');
    const rule = opt('rule');
    if (!name || !/^[a-z0-9][a-z0-9-]*$/.test(name)) throw new UsageError('--to-spec needs --name (lower case letters, digits, dashes)');
    if (!rule) throw new UsageError('--to-spec needs --rule: the Postfix rule the scenario shows');
    const file = join(REPO, 'specs', 'smtpd-fuzz', `${name}.ts`);
    if (existsSync(file)) throw new UsageError(`${file} exists already`);
    let text: string;
    try {
      text = regressionScenario(loadFound(toSpec), name, rule);
    } catch (err) {
      // A case that cannot be written as a scenario (bytes that are not UTF-8): say so in one line.
      throw new UsageError((err as Error).message);
    }
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    console.log(`wrote ${file}; run it with: npx twinpost run --spec '${file}'`);
    return 0;
  }

  reapStale();
  const replayFile = opt('replay');
  if (replayFile) {
    const f = loadFound(replayFile);
    return replay(f.session, f.seed, f.path);
  }
  const seed = seedOf(opt('seed'));
  const path = opt('path');
  if (path) {
    if (!/^\d+(:\d+)*$/.test(path)) throw new UsageError(`bad --path "${path}" (fast-check path: numbers separated by ":")`);
    return replay(sessionAtPath(seed, path), seed, path);
  }
  const runs = positiveInt(opt('runs'), 'runs');
  if (runs === undefined) throw new UsageError('--runs is required (or --path, --replay, --to-spec)');
  const foundDir = resolve(opt('found-dir') ?? DEFAULT_FOUND_DIR);
  const against = opt('against') ?? 'reference';
  if (against !== 'reference' && against !== 'postfix') throw new UsageError(`--against takes reference or postfix, not "${against}"`);
  console.log(`fuzz smtpd: ${runs} sessions, seed ${seed}, postfix against ${against}`);
  const result = await runSmtpdCampaign({
    runs,
    seed,
    shrinkBudget: positiveInt(opt('shrink-budget'), 'shrink-budget'),
    against,
    progress: (p) => {
      if (p.run % 10 === 0 || p.run === p.runs) {
        console.log(`  ${p.run}/${p.runs} runs, ${p.sessions} sessions played, ${p.divergent} divergent, ${p.kinds} kinds, ${((p.sessions * 60) / Math.max(p.seconds, 0.001)).toFixed(0)} sessions/min`);
      }
    },
    onFound: (f) => console.log(`${describeFound(f)}\n  saved: ${saveFound(foundDir, f)}`),
  });
  if (result.oracleCrashes.length) {
    console.log(`real Postfix's smtpd crashed in ${result.oracleCrashes.length} run(s), not compared (a defect of Postfix, not a divergence; replay with --seed ${seed} --path P):`);
    for (const c of result.oracleCrashes) console.log(`  path ${c.path}: ${c.line}`);
  }
  console.log('divergent runs by kind:');
  for (const [kind, n] of Object.entries(result.counts).sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${kind}`);
  console.log(`fuzz smtpd: ${result.run} runs, ${result.sessions} sessions played (shrinking included), ${result.divergent} divergent runs, ` +
    `${result.kinds} kinds, ${result.sessionsPerMinute.toFixed(0)} sessions/min, ${result.restarts} restarts, ${result.oracleCrashes.length} Postfix crashes (seed ${seed}, ${result.seconds.toFixed(1)} s)`);
  return result.divergent === 0 ? 0 : 1;
}
