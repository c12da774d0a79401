/**
 * The oracle cache: real Postfix's outcome of a scenario, recorded once and recalled.
 *
 * A mutation campaign (`npm run mutation`, harness/mutation) runs the conformance suite once per
 * mutant of the reference, but real Postfix's side of a scenario is the same for every mutant.
 * With TWINPOST_ORACLE_CACHE set to a directory, `runForSuite` records Postfix's outcome of a
 * passing scenario there (one JSON file per scenario id + hash of the scenario file) the first
 * time, and afterwards returns the recorded outcome instead of starting Postfix again; the
 * reference is compared against it as usual (compareWithOracle). Without the variable, which
 * is the normal path (`npm test`, `twinpost run`), it is runScenario itself.
 *
 * The key also holds a fingerprint of the code that makes an observation (harness/ and
 * reference/config/, tests left out): when the harness changes, what it records changes
 * shape, and an old record must not be recalled.
 *
 * The variable is read in one place, `oracleCacheDir()`. Only passing outcomes are recorded: a
 * failed or errored Postfix run is rerun next time. Buffers (message bytes a sink received)
 * are stored as base64 and revived as Buffers.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Scenario } from './types.ts';
import type { TargetName } from '../targets/types.ts';
import { runScenario, type RunOptions, type ScenarioOutcome } from './run.ts';
import { PROJECT_ROOT } from './load.ts';

/** The environment variable that turns the cache on; its value is the cache directory. */
export const ORACLE_CACHE_ENV = 'TWINPOST_ORACLE_CACHE';

/** The cache directory, or undefined when the cache is off (the normal path). */
export function oracleCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const dir = env[ORACLE_CACHE_ENV];
  return dir ? resolve(dir) : undefined;
}

/** What is kept of an outcome: everything but the scenario object (which has RegExps). */
type RecordedOutcome = Omit<ScenarioOutcome, 'scenario'>;

/** The directories whose code shapes an observation of real Postfix. */
const OBSERVING_CODE = ['harness', 'reference/config'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).sort().flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [p] : [];
  });
}

let fingerprint: string | undefined;

/** A hash of the observing code (computed once per process). */
export function harnessFingerprint(): string {
  if (fingerprint) return fingerprint;
  const h = createHash('sha256');
  for (const file of OBSERVING_CODE.flatMap((d) => sourceFiles(join(PROJECT_ROOT, d)))) {
    h.update(relative(PROJECT_ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return (fingerprint = h.digest('hex'));
}

/** The cache file of a scenario: its id and a hash of its file's bytes and of the observing code. */
export function oracleCacheFile(dir: string, scenarioId: string, scenarioFile: string): string {
  const hash = createHash('sha256').update(readFileSync(resolve(PROJECT_ROOT, scenarioFile))).update(harnessFingerprint()).digest('hex').slice(0, 16);
  return join(dir, `${scenarioId.replace(/[^A-Za-z0-9._-]/g, '_')}-${hash}.json`);
}

/** JSON with Buffers as { $base64 }. */
export function serialiseOutcome(o: ScenarioOutcome): string {
  const { scenario: _scenario, ...rest } = o;
  return JSON.stringify(rest, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    return Buffer.isBuffer(raw) ? { $base64: raw.toString('base64') } : value;
  });
}

/** The inverse of serialiseOutcome, given the scenario it belongs to. */
export function reviveOutcome(text: string, scenario: Scenario): ScenarioOutcome {
  const rec = JSON.parse(text, (_key, value: unknown) => {
    if (value && typeof value === 'object' && typeof (value as { $base64?: unknown }).$base64 === 'string') {
      return Buffer.from((value as { $base64: string }).$base64, 'base64');
    }
    return value;
  }) as RecordedOutcome;
  return { ...rec, scenario };
}

function recall(file: string, scenario: Scenario): ScenarioOutcome | undefined {
  if (!existsSync(file)) return undefined;
  return reviveOutcome(readFileSync(file, 'utf8'), scenario);
}

function record(file: string, outcome: ScenarioOutcome): void {
  mkdirSync(resolve(file, '..'), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, serialiseOutcome(outcome));
  renameSync(tmp, file); // atomic: a concurrent reader sees the whole file or none
}

/**
 * Run `scenario` on `target` for the conformance suite: real Postfix's outcome comes from the
 * oracle cache when it is on and holds one; everything else is runScenario.
 */
export async function runForSuite(scenarioFile: string, scenario: Scenario, target: TargetName, opts: RunOptions = {}): Promise<ScenarioOutcome> {
  const dir = oracleCacheDir();
  if (!dir || target !== 'postfix') return runScenario(scenario, target, opts);
  const file = oracleCacheFile(dir, scenario.id, scenarioFile);
  const cached = recall(file, scenario);
  if (cached) return cached;
  const outcome = await runScenario(scenario, target, opts);
  if (outcome.status === 'passed') record(file, outcome);
  return outcome;
}
