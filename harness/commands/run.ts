/**
 * `twinpost run`: the conformance suite. Runs every selected scenario on every selected
 * target, prints one progress line per scenario, writes results.json and junit.xml (and the
 * HTML report) to the report directory, and exits non-zero when anything failed. With --repeat N
 * it runs each scenario N times instead and prints the spread of its schedule figures (spread.ts).
 */
import { resolve } from 'node:path';
import { parseArgs, UsageError } from './args.ts';
import { findScenarioFiles, loadScenarios } from '../scenario/load.ts';
import { runScenario, type ScenarioOutcome } from '../scenario/run.ts';
import { reapStale } from '../util/cleanup.ts';
import type { TargetName } from '../targets/types.ts';
import type { Scenario } from '../scenario/types.ts';
import { NOT_COMPARED_LABEL, type Comparison } from '../report/types.ts';
import { TARGET_NAMES } from '../targets/index.ts';
import { containerAvailable } from '../targets/container/docker.ts';
import { writeReports } from '../scenario/report.ts';
import { compareWithOracle, outcomeLabel, targetLabels } from '../compare/diff.ts';
import { postfixInstalled } from '../../reference/config/installed-postfix.ts';
import { formatSpread, runsOutOfRange, scheduleSpread } from './spread.ts';

const HELP = `usage: twinpost run [--target T]... [--spec GLOB]... [--report DIR] [--repeat N]

Runs conformance scenarios (specs/**) on each target and compares what each did.

options:
  --target T     postfix | reference | container; repeat or comma-separate for several
                 (default: every target available on this machine); naming postfix twice
                 (postfix,postfix) compares Postfix with itself, the second run as postfix#2
  --spec GLOB    which scenario files, e.g. "specs/smtpd/*" or "smtpd/relay-*" (default: all);
                 give it several times for the union
  --report DIR   where to write results.json, junit.xml and index.html (default: reports)
  --timeout MS   per-wait timeout in milliseconds (default: 20000)
  --repeat N     run each scenario N times on each target, uncompared, and print the spread
                 (min, median, max) of every sink-schedule figure over the N runs
  -h, --help     this text

Exit status: 0 when every scenario passed on every target, 1 when any failed, 2 on bad usage.`;

/** The targets this machine can run: the reference MTA always; real Postfix when installed; Postfix in a container when Docker and its image are there. */
export function availableTargets(): TargetName[] {
  const out: TargetName[] = ['reference'];
  if (postfixInstalled()) out.unshift('postfix');
  if (containerAvailable()) out.push('container'); // only where a Docker engine answers and the image exists
  return out;
}

export async function runCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, ['target', 'spec', 'report', 'timeout', 'repeat'], ['help', 'h']);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`twinpost run: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
  if (args.flags.has('help') || args.flags.has('h')) {
    console.log(HELP);
    return 0;
  }
  const targets = (args.options.target ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean) as TargetName[];
  for (const t of targets) {
    if (!TARGET_NAMES.includes(t)) {
      console.error(`twinpost run: unknown target "${t}" (known: ${TARGET_NAMES.join(', ')})`);
      return 2;
    }
  }
  const chosen = targets.length ? targets : availableTargets();
  // --spec may be given several times: the scenarios of every glob, each once, in file order.
  const globs = args.options.spec?.length ? args.options.spec : [undefined];
  for (const glob of globs) {
    if (findScenarioFiles(glob).length === 0) {
      console.error(`twinpost run: no scenario files match "${glob}"; give a path or glob below specs/, e.g. --spec 'specs/smtpd/*'`);
      return 2;
    }
  }
  const loaded = (await Promise.all(globs.map((g) => loadScenarios(g)))).flat();
  const scenarios = [...new Map(loaded.map((s) => [s.file, s])).values()].sort((a, b) => a.file.localeCompare(b.file));
  const setupError = missingPostfix(chosen, targets.length > 0, scenarios.map((s) => s.scenario));
  if (setupError) {
    console.error(`twinpost run: ${setupError}`);
    return 2;
  }
  const reportDir = resolve(args.options.report?.at(-1) ?? 'reports');
  const timeoutMs = Number(args.options.timeout?.at(-1) ?? 20_000);
  const repeat = Number(args.options.repeat?.at(-1) ?? 1);
  if (!Number.isInteger(repeat) || repeat < 1) {
    console.error(`twinpost run: --repeat needs a whole number of runs, 1 or more\n\n${HELP}`);
    return 2;
  }
  const reaped = reapStale();
  if (reaped.length) console.log(`twinpost: removed ${reaped.length} instance(s) left by an earlier, interrupted run`);

  if (repeat > 1) return repeatRuns(scenarios, chosen, repeat, timeoutMs, reportDir);
  const total = scenarios.length * chosen.length;
  const labels = targetLabels(chosen);
  const started = Date.now();
  const outcomes: (ScenarioOutcome & { file: string; comparison: Comparison })[] = [];
  let n = 0;
  for (const { file, scenario } of scenarios) {
    const mine: (ScenarioOutcome & { file: string })[] = [];
    for (const [i, target] of chosen.entries()) {
      const label = labels[i]!;
      if (scenario.targets && !scenario.targets.includes(target)) {
        console.log(`[${++n}/${total}] ${label.padEnd(9)} ${scenario.id.padEnd(36)} not run (the spec is for ${scenario.targets.join(', ')})`);
        continue;
      }
      const o = await runScenario(scenario, target, { timeoutMs, label });
      mine.push({ ...o, file });
    }
    // Every other target is compared with real Postfix, the oracle.
    compareWithOracle(mine);
    for (const o of mine) {
      const comparison = comparisonOf(o, mine);
      const mark = (o.status === 'passed' ? 'passed' : o.status.toUpperCase()) + (comparison === 'not-compared' ? ` — ${o.target} only, ${NOT_COMPARED_LABEL}` : '');
      console.log(`[${++n}/${total}] ${outcomeLabel(o).padEnd(9)} ${scenario.id.padEnd(36)} ${mark} (${(o.durationMs / 1000).toFixed(1)} s)`);
      for (const f of o.failures) console.log(`    ✗ ${f.expectation}\n${indent(f.diff, 6)}`);
      if (o.error) console.log(indent(o.error, 6));
      outcomes.push({ ...o, comparison });
    }
  }
  const failed = outcomes.filter((o) => o.status !== 'passed').length;
  const uncompared = outcomes.filter((o) => o.comparison === 'not-compared').length;
  const files = writeReports(reportDir, { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, targets: chosen, outcomes });
  console.log(`\n${outcomes.length - failed} passed, ${failed} failed${uncompared ? `; ${uncompared} of the runs ${NOT_COMPARED_LABEL}` : ''}`);
  console.log(`reports: ${files.join(', ')}`);
  return failed ? 1 : 0;
}

/**
 * --repeat: every scenario `repeat` times on every target, one progress line per run, then the
 * spread of the schedule figures per scenario and target. Nothing is compared (each run is a
 * sample of the same target); a run fails as usual on its own expectations.
 */
async function repeatRuns(scenarios: { file: string; scenario: Scenario }[], targets: TargetName[], repeat: number, timeoutMs: number, reportDir: string): Promise<number> {
  const started = Date.now();
  const outcomes: (ScenarioOutcome & { file: string; comparison: Comparison })[] = [];
  const summaries: string[] = [];
  for (const { file, scenario } of scenarios) {
    for (const target of targets) {
      if (scenario.targets && !scenario.targets.includes(target)) continue;
      const records = [];
      for (let i = 1; i <= repeat; i++) {
        const label = `${target}@${i}`;
        const o = await runScenario(scenario, target, { timeoutMs, label });
        console.log(`[${i}/${repeat}] ${label.padEnd(11)} ${scenario.id.padEnd(36)} ${o.status === 'passed' ? 'passed' : o.status.toUpperCase()} (${(o.durationMs / 1000).toFixed(1)} s)`);
        for (const f of o.failures) console.log(`    ✗ ${f.expectation}\n${indent(f.diff, 6)}`);
        if (o.error) console.log(indent(o.error, 6));
        records.push(o.observation?.schedules ?? []);
        outcomes.push({ ...o, file, comparison: 'not-compared' });
      }
      const text = `${scenario.id} on ${target}: ${runsOutOfRange(scenario, records)} of ${repeat} run(s) out of range\n${formatSpread(scheduleSpread(scenario, records), repeat)}`;
      console.log(`\n${text}\n`);
      summaries.push(text);
    }
  }
  const failed = outcomes.filter((o) => o.status !== 'passed').length;
  const files = writeReports(reportDir, { startedAt: new Date(started).toISOString(), durationMs: Date.now() - started, targets, outcomes });
  console.log(`spread over ${repeat} runs:\n\n${summaries.join('\n\n')}\n\n${outcomes.length - failed} passed, ${failed} failed\nreports: ${files.join(', ')}`);
  return failed ? 1 : 0;
}

/**
 * How one outcome stands to real Postfix: the first postfix outcome of the scenario is the
 * oracle; another outcome was compared only when the oracle produced an observation.
 */
export function comparisonOf(o: ScenarioOutcome, scenarioOutcomes: ScenarioOutcome[]): Comparison {
  const oracle = scenarioOutcomes.find((x) => x.target === 'postfix');
  if (o === oracle) return 'oracle';
  return oracle?.observation ? 'compared' : 'not-compared';
}

const INSTALL_HINT = 'run `npm start` as root (it installs Debian\'s postfix) or: apt-get install postfix postfix-lmdb postfix-pcre postfix-pgsql';

/**
 * Why this run cannot go ahead without real Postfix, or undefined. Without Postfix nothing is
 * compared with it, so that is refused unless the user named the reference alone; even then,
 * scenarios whose maps are built with Postfix's postmap/postalias cannot run.
 */
export function missingPostfix(chosen: TargetName[], explicit: boolean, scenarios: Scenario[]): string | undefined {
  if (postfixInstalled()) return undefined;
  if (!explicit) return `Postfix is not installed, so no scenario could be compared with it: ${INSTALL_HINT}; or name --target reference to run the reference MTA alone, uncompared`;
  if (chosen.includes('postfix')) return `--target postfix needs Postfix installed: ${INSTALL_HINT}`;
  const needy = scenarios.filter((s) => (s.config.maps ?? []).some((m) => (m.build ?? 'none') !== 'none'));
  if (chosen.includes('reference') && needy.length) {
    return `${needy.length} scenario(s) build their maps with Postfix's postmap/postalias (${needy.slice(0, 3).map((s) => s.id).join(', ')}${needy.length > 3 ? ', …' : ''}), which is not installed: ${INSTALL_HINT}; or choose other scenarios with --spec`;
  }
  return undefined;
}

function indent(s: string, n: number): string {
  return s.split('\n').map((l) => ' '.repeat(n) + l).join('\n');
}
