/**
 * `npm run mutation`: the mutation campaign of the reference services (issue 12, item 4).
 *
 *   npm run mutation [-- --sample N [--seed S]] [--incremental] [--keep-oracle | --reuse-baseline]
 *                       [--concurrency C] [-- STRYKER ARGS]
 *
 * 1. Baseline (baseline.ts): the mutation test set (vitest.mutation.config.ts) once as it is.
 *    Real Postfix's outcome of each scenario goes into the oracle cache
 *    (reports/mutation/oracle, made afresh unless --keep-oracle), and tests that already fail
 *    on the unmutated reference are listed in reports/mutation/excluded-tests.json and skipped.
 *    --reuse-baseline keeps both from the previous campaign (for a quick rerun on the same code).
 * 2. With --sample N: N mutants picked at random, evenly per folder (sample.ts), seed printed;
 *    they become Stryker's --mutate ranges (reports/mutation/sample.json).
 * 3. StrykerJS (stryker.config.mjs): per-test coverage, concurrency 1 by default, the
 *    reference's outcomes compared with the recorded Postfix outcomes; --incremental reuses
 *    reports/mutation/stryker-incremental.json.
 * 4. The score per folder: printed and written to reports/mutation/scores.md with the command,
 *    date, seed, sample and wall time; the surviving mutants are listed there too.
 */
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, relative } from 'node:path';
import { PROJECT_ROOT } from '../scenario/load.ts';
import { ORACLE_CACHE_ENV } from '../scenario/oracle-cache.ts';
import { runBaseline, type Exclusions } from './baseline.ts';
import { enumerateMutants } from './enumerate.ts';
import { mutateRanges, sampleMutants, type Sample } from './sample.ts';
import { folderScores, scoreTable, survivors, type MutationReport } from './scores.ts';

/** The folders below reference/services whose code is mutated (as stryker.config.mjs says). */
export const FOLDERS = ['smtpd', 'cleanup', 'qmgr', 'trivial-rewrite', 'local', 'smtp', 'bounce'];
const OUT = join(PROJECT_ROOT, 'reports', 'mutation');

export interface CampaignOptions {
  sample?: number;
  seed: number;
  incremental: boolean;
  keepOracle: boolean;
  reuseBaseline: boolean;
  concurrency: number;
  /** Passed on to `stryker run` as they are. */
  stryker: string[];
}

/** Parse the command line; throws on a bad option. */
export function parseArgs(argv: string[]): CampaignOptions {
  const o: CampaignOptions = { seed: randomInt(1, 2 ** 31), incremental: false, keepOracle: false, reuseBaseline: false, concurrency: 1, stryker: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isInteger(n) || n < 1) throw new Error(`${a} needs a positive whole number`);
      return n;
    };
    if (a === '--sample') o.sample = value();
    else if (a === '--seed') o.seed = value();
    else if (a === '--concurrency') o.concurrency = value();
    else if (a === '--incremental') o.incremental = true;
    else if (a === '--keep-oracle') o.keepOracle = true;
    else if (a === '--reuse-baseline') o.reuseBaseline = o.keepOracle = true;
    else if (a === '--') o.stryker.push(...argv.splice(i + 1));
    else throw new Error(`unknown option ${a} (see harness/mutation/campaign.ts)`);
  }
  return o;
}

/** The files Stryker mutates, relative to the project: the folders' .ts files but tests and test fixtures. */
export function mutatedFiles(root = PROJECT_ROOT): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]));
  return FOLDERS.flatMap((f) => walk(join(root, 'reference', 'services', f)))
    .map((p) => relative(root, p))
    .filter((p) => p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('/testing.ts'))
    .sort();
}

function say(line: string): void {
  console.log(`mutation: ${line}`);
}

function prepareOracle(keep: boolean): string {
  const dir = join(OUT, 'oracle');
  if (!keep) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

async function prepareSample(o: CampaignOptions): Promise<Sample | undefined> {
  if (!o.sample) return undefined;
  const all = await enumerateMutants(mutatedFiles(), PROJECT_ROOT);
  const sample = sampleMutants(all, o.sample, o.seed);
  writeFileSync(join(OUT, 'sample.json'), `${JSON.stringify(sample, null, 2)}\n`);
  say(`sampled ${sample.picked.length} of ${all.length} mutants with seed ${o.seed} (per folder: ${JSON.stringify(sample.population)})`);
  return sample;
}

function runStryker(o: CampaignOptions, sample: Sample | undefined, env: NodeJS.ProcessEnv): number {
  const args = [join(PROJECT_ROOT, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js'), 'run', 'stryker.config.mjs', '--concurrency', String(o.concurrency)];
  if (o.incremental) args.push('--incremental');
  if (sample) args.push('--mutate', mutateRanges(sample).join(','));
  args.push(...o.stryker);
  const r = spawnSync(process.execPath, args, { cwd: PROJECT_ROOT, env, stdio: 'inherit' });
  return r.status ?? 1;
}

interface Summary {
  command: string;
  date: string;
  wallSeconds: number;
  options: CampaignOptions;
  sample?: Sample;
  exclusions: Exclusions;
  strykerExit: number;
}

function writeScores(s: Summary): void {
  const reportFile = join(OUT, 'mutation.json');
  if (!existsSync(reportFile)) return say('no reports/mutation/mutation.json: Stryker did not finish');
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as MutationReport;
  const table = scoreTable(folderScores(report));
  const minutes = `${Math.floor(s.wallSeconds / 60)} min ${Math.round(s.wallSeconds % 60)} s`;
  const sampleLine = s.sample ? `sample: ${s.sample.picked.length} mutants, seed ${s.options.seed}` : 'sample: none (every mutant)';
  const text = [
    `# Mutation score`, '', `- command: \`${s.command}\``, `- date: ${s.date}`, `- ${sampleLine}`, `- wall time: ${minutes}`,
    `- Stryker exit status: ${s.strykerExit}`, '', table, '',
    `## Tests excluded (failing on the unmutated reference): ${s.exclusions.tests.length}`, '', ...s.exclusions.reasons.map((r) => `- ${r}`), '',
    `## Surviving and uncovered mutants`, '', ...survivors(report).map((l) => `- ${l}`), '',
  ].join('\n');
  writeFileSync(join(OUT, 'scores.md'), text);
  writeFileSync(join(OUT, 'summary.json'), `${JSON.stringify({ ...s, sample: undefined, scores: folderScores(report) }, null, 2)}\n`);
  console.log(`\n${table}\n`);
  say(`${sampleLine}; wall time ${minutes}; written to reports/mutation/scores.md`);
}

function baseline(o: CampaignOptions, env: NodeJS.ProcessEnv): Exclusions {
  const previous = join(OUT, 'excluded-tests.json');
  if (o.reuseBaseline && existsSync(previous)) {
    say('baseline: reused from the previous campaign');
    return JSON.parse(readFileSync(previous, 'utf8')) as Exclusions;
  }
  say('baseline: the mutation test set on the unmutated reference, recording real Postfix');
  return runBaseline(PROJECT_ROOT, OUT, env);
}

export async function main(argv: string[]): Promise<number> {
  const o = parseArgs(argv);
  const started = Date.now();
  mkdirSync(OUT, { recursive: true });
  say(`load average ${loadavg()[0].toFixed(2)} on this machine (the campaign runs ${o.concurrency} test runner(s))`);
  say(`seed ${o.seed}${o.sample ? `, sample ${o.sample}` : ''}`);
  const env: NodeJS.ProcessEnv = { ...process.env, [ORACLE_CACHE_ENV]: prepareOracle(o.keepOracle) };
  const exclusions = baseline(o, env);
  say(`baseline: ${exclusions.tests.length} test(s) fail on the unmutated reference and are skipped (reports/mutation/excluded-tests.json)`);
  env.TWINPOST_MUTATION_EXCLUDE = join(OUT, 'excluded-tests.json');
  const sample = await prepareSample(o);
  if (sample) env.TWINPOST_MUTATION_SAMPLE = join(OUT, 'sample.json');
  const strykerExit = runStryker(o, sample, env);
  const wallSeconds = (Date.now() - started) / 1000;
  const command = ['npm run mutation', ...(argv.length ? ['--', ...argv] : [])].join(' ');
  writeScores({ command, date: new Date().toISOString(), wallSeconds, options: o, sample, exclusions, strykerExit });
  return strykerExit;
}
