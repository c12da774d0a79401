/**
 * vitest setup file of the mutation campaign (vitest.mutation.config.ts), run after Stryker's
 * own setup file in every test file. It carries Stryker's state across the process boundary
 * to the reference MTA child processes (`node --import tsx reference/mta.ts`, started by the
 * reference target), which load the instrumented services from Stryker's sandbox:
 *
 *  - mutant runs: the active mutant goes into the environment variable Stryker's instrumented
 *    code reads when no mutant is set in its own process (__STRYKER_ACTIVE_MUTANT__, see the
 *    header @stryker-mutator/instrumenter puts in every file), so every child started by the
 *    test runs with it. A failure that is a timeout is not retried (the config's retries are
 *    for run-to-run variation; a mutant that makes the MTA hang fails the same way each time,
 *    20 s a try);
 *  - the initial (dry) run: children preload child-coverage.mjs (through NODE_OPTIONS), which
 *    keeps a file of the mutants each child reached; after every test the counts that grew are
 *    added to that test's coverage in this process, where Stryker's runner collects it. So
 *    per-test coverage analysis knows which scenario reaches which mutant of the MTA.
 *
 * In both, tests named in the file TWINPOST_MUTATION_EXCLUDE points to (the campaign's baseline:
 * tests that already fail on the unmutated reference, which could not tell a mutant apart) are
 * skipped. Without Stryker (mode unset), it does nothing.
 */
import { afterAll, afterEach, beforeEach, inject } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { addGrowth, type CoverageCounts, type MutantCoverage } from './coverage-merge.ts';
import { fullNameOf, testKey } from './test-ids.ts';

/** The variable Stryker's instrumented code reads its active mutant from. */
const ACTIVE_MUTANT_ENV = '__STRYKER_ACTIVE_MUTANT__';
/** Where children write their coverage (read by child-coverage.mjs). */
const CHILD_COVERAGE_ENV = 'TWINPOST_CHILD_COVERAGE_DIR';
const CHILD_PRELOAD = pathToFileURL(join(import.meta.dirname, 'child-coverage.mjs')).href;
/** The baseline's exclusions (baseline.ts): `tests` holds the test keys (test-ids.ts) to skip. */
const EXCLUDE_ENV = 'TWINPOST_MUTATION_EXCLUDE';
/** A child writes its counts every 100 ms; wait a little longer before reading them. */
const CHILD_FLUSH_WAIT_MS = 250;

/** Stryker's values, provided to the test files by its vitest runner (undefined without it). */
const provided = inject as unknown as (key: string) => unknown;
const mode = provided('mode') as 'dry-run' | 'mutant' | undefined;
const namespace = (provided('globalNamespace') as string | undefined) ?? '__stryker__';

interface StrykerNamespace {
  activeMutant?: string | number;
  currentTestId?: string;
  mutantCoverage?: MutantCoverage;
}

function ns(): StrykerNamespace {
  const g = globalThis as unknown as Record<string, StrykerNamespace | undefined>;
  return (g[namespace] ??= {});
}

if (mode === 'mutant') passActiveMutant();
else if (mode === 'dry-run') collectChildCoverage();
if (mode) skipExcluded(); // after the hooks above, so a skipped test still gets its own id

function skipExcluded(): void {
  const file = process.env[EXCLUDE_ENV];
  if (!file) return;
  const excluded = new Set((JSON.parse(readFileSync(file, 'utf8')) as { tests: string[] }).tests);
  beforeEach((ctx) => {
    if (excluded.has(testKey(process.cwd(), ctx.task.file.filepath, fullNameOf(ctx.task)))) ctx.skip();
  });
}

/**
 * A failure worth another try under a mutant: anything but a timeout. (The assertion message
 * is cut short — "…: timed …" — so the word "timed" is enough; the full text is in `actual`.)
 */
const NOT_A_TIMEOUT = (e: { message?: string; actual?: unknown }): boolean =>
  !/\btimed\b|timeout/i.test(`${e.message ?? ''}\n${typeof e.actual === 'string' ? e.actual : ''}`);

function passActiveMutant(): void {
  beforeEach((ctx) => {
    const id = ns().activeMutant;
    if (id === undefined) delete process.env[ACTIVE_MUTANT_ENV];
    else process.env[ACTIVE_MUTANT_ENV] = String(id);
    const task = ctx.task as { retry?: number | { count?: number } };
    const count = typeof task.retry === 'number' ? task.retry : (task.retry?.count ?? 0);
    task.retry = { count, condition: NOT_A_TIMEOUT } as { count: number };
  });
}

function collectChildCoverage(): void {
  delete process.env[ACTIVE_MUTANT_ENV];
  const dir = mkdtempSync(join(tmpdir(), 'twinpost-mutation-coverage-'));
  process.env[CHILD_COVERAGE_ENV] = dir;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import=${CHILD_PRELOAD}`.trim();
  const seen = new Map<string, CoverageCounts>();
  let testId: string | undefined;
  let lastTestId: string | undefined;

  beforeEach(() => {
    testId = ns().currentTestId; // set by Stryker's setup, whose beforeEach runs first
    if (testId) lastTestId = testId;
  });
  afterEach(async () => {
    await new Promise((r) => setTimeout(r, CHILD_FLUSH_WAIT_MS));
    attribute(dir, seen, testId);
  });
  afterAll(async () => {
    // What children reached after the last test (their shutdown) counts for that test.
    await new Promise((r) => setTimeout(r, CHILD_FLUSH_WAIT_MS));
    attribute(dir, seen, lastTestId);
    rmSync(dir, { recursive: true, force: true });
  });
}

/** Add what every child reached since the last look to the test's coverage (or static). */
function attribute(dir: string, seen: Map<string, CoverageCounts>, testId: string | undefined): void {
  const cov = (ns().mutantCoverage ??= { static: {}, perTest: {} });
  const target = testId ? (cov.perTest[testId] ??= {}) : cov.static;
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const child = readChild(join(dir, name));
    if (child) addGrowth(target, child, seen, name);
  }
}

function readChild(file: string): MutantCoverage | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as MutantCoverage;
  } catch {
    return undefined; // being replaced right now: read at the next look
  }
}
