/**
 * `twinpost bench <rewrite|throughput|table-latency|all>`: the benchmarks of harness/bench.
 * Prints a progress line while running and a table at the end, writes bench.json and one SVG
 * chart per benchmark to the report directory, and with --readme regenerates README.md's
 * "## Benchmarks" section. Exit status: 0 when every column has figures or says why it is not
 * available, 1 when a benchmark failed or real Postfix gave no figures, 2 on bad usage.
 */
import { resolve } from 'node:path';
import { loadavg } from 'node:os';
import { parseArgs, UsageError, type ParsedArgs } from './args.ts';
import { reapStale } from '../util/cleanup.ts';
import { benchRewrite, rewriteDefaults } from '../bench/rewrite.ts';
import { benchThroughput, throughputDefaults } from '../bench/throughput.ts';
import { benchTableLatency, tableLatencyDefaults } from '../bench/table-latency.ts';
import { TABLE_KINDS, type TableKind } from '../bench/transport-tables.ts';
import { machineInfo, readBenchJson, rewriteTable, tableLatencyTable, throughputTable, writeSection, type BenchJson } from '../bench/report.ts';
import { renderBenchmarksSection, updateReadme } from '../bench/readme.ts';
import { TARGET_NAMES } from '../targets/index.ts';
import type { TargetName } from '../targets/types.ts';

const HELP = `usage: twinpost bench <benchmark> [options]

benchmarks:
  rewrite        trivial-rewrite resolve/rewrite latency: real Postfix over private/rewrite,
                 the reference over its socket and in-process, per transport_maps kind
  throughput     N messages over C SMTP sessions into each target, relayed to a capture sink:
                 accepted/s, delivered/s, acceptance-to-delivery latency, peak memory
  table-latency  real Postfix's delivered/s against a transport table's added per-lookup latency
  all            the three, one after another

options (all benchmarks):
  --quick          small runs (each benchmark well under a minute)
  --report DIR     where bench.json and the SVG charts go (default: reports)
  --readme [FILE]  also rewrite the "## Benchmarks" section of FILE (default: README.md)
  -h, --help       this text
rewrite:
  -c DIR           also benchmark with the trivial-rewrite parameters of DIR/main.cf
  --requests N     measured requests per column and request type (default 20000; quick 2000)
  --tables LIST    transport_maps kinds, comma-separated (default: ${TABLE_KINDS.join(',')})
throughput and table-latency:
  --messages N     messages per target or per point (default 2000 / 1000; quick 200 / 100)
  --size BYTES     message size (default 2048)
  --recipients R   recipients per message (default 1)
  --sessions C     concurrent SMTP sessions (default 10)
throughput:
  --target T       postfix and/or reference, repeat or comma-separate (default: both)
table-latency:
  --delays LIST    added latencies in ms, comma-separated (default: 0,0.1,1,5)`;

const VALUED = ['report', 'c', 'requests', 'tables', 'messages', 'size', 'recipients', 'sessions', 'target', 'delays'];
const FLAGS = ['quick', 'help', 'h', 'readme'];

function last(args: ParsedArgs, name: string): string | undefined {
  return args.options[name]?.at(-1);
}

function positiveInt(args: ParsedArgs, name: string, fallback: number): number {
  const v = last(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new UsageError(`--${name} needs a positive integer, got "${v}"`);
  return n;
}

function list(args: ParsedArgs, name: string): string[] | undefined {
  const v = args.options[name];
  return v ? v.flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean) : undefined;
}

const say = (line: string) => process.stderr.write(`${line}\n`);

/** Time a benchmark, store its section and chart, print its table. */
async function recorded<K extends keyof BenchJson>(
  dir: string,
  key: K,
  command: string,
  bench: () => Promise<NonNullable<BenchJson[K]>['result']>,
  table: (r: NonNullable<BenchJson[K]>['result']) => string,
): Promise<NonNullable<BenchJson[K]>['result']> {
  const load = loadavg()[0]!;
  const started = Date.now();
  const result = await bench();
  const section = { command, finishedAt: new Date().toISOString(), durationS: (Date.now() - started) / 1000, machine: machineInfo(load), result };
  const files = writeSection(dir, key, section as NonNullable<BenchJson[K]>);
  console.log(table(result));
  console.log(`wrote ${files.join(', ')}`);
  return result;
}

async function runRewrite(args: ParsedArgs, quick: boolean, command: string, dir: string): Promise<boolean> {
  const defaults = rewriteDefaults(quick);
  const tables = (list(args, 'tables') ?? defaults.tables) as TableKind[];
  for (const t of tables) if (!TABLE_KINDS.includes(t)) throw new UsageError(`unknown table kind "${t}" (known: ${TABLE_KINDS.join(', ')})`);
  const configDir = last(args, 'c');
  const requests = positiveInt(args, 'requests', defaults.requests);
  const opts = { ...defaults, tables, requests, ...(configDir ? { configDir: resolve(configDir) } : {}), progress: say };
  const result = await recorded(dir, 'rewrite', command, () => benchRewrite(opts), rewriteTable);
  return result.rows.every((row) => row.columns.postfix.status === 'ok');
}

/** --messages, --size, --recipients, --sessions over the benchmark's defaults. */
function loadOptions(args: ParsedArgs, d: { messages: number; size: number; recipients: number; sessions: number }) {
  return {
    messages: positiveInt(args, 'messages', d.messages),
    size: positiveInt(args, 'size', d.size),
    recipients: positiveInt(args, 'recipients', d.recipients),
    sessions: positiveInt(args, 'sessions', d.sessions),
  };
}

async function runThroughput(args: ParsedArgs, quick: boolean, command: string, dir: string): Promise<boolean> {
  const d = throughputDefaults(quick);
  const targets = (list(args, 'target') ?? d.targets) as TargetName[];
  for (const t of targets) if (!TARGET_NAMES.includes(t)) throw new UsageError(`unknown target "${t}" (known: ${TARGET_NAMES.join(', ')})`);
  const opts = { ...loadOptions(args, d), targets, progress: say };
  const result = await recorded(dir, 'throughput', command, () => benchThroughput(opts), throughputTable);
  return !targets.includes('postfix') || result.targets.postfix?.status === 'ok';
}

async function runTableLatency(args: ParsedArgs, quick: boolean, command: string, dir: string): Promise<boolean> {
  const d = tableLatencyDefaults(quick);
  const delays = list(args, 'delays')?.map(Number) ?? d.delaysMs;
  if (delays.some((x) => !Number.isFinite(x) || x < 0)) throw new UsageError('--delays needs non-negative numbers (milliseconds)');
  const opts = { ...loadOptions(args, d), delaysMs: delays, progress: say };
  const result = await recorded(dir, 'tableLatency', command, () => benchTableLatency(opts), tableLatencyTable);
  return result.points.every((p) => p.result.status === 'ok');
}

const BENCHMARKS = { rewrite: runRewrite, throughput: runThroughput, 'table-latency': runTableLatency } as const;

export async function benchCommand(argv: string[]): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv, VALUED, FLAGS);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`twinpost bench: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
  if (args.flags.has('help') || args.flags.has('h')) {
    console.log(HELP);
    return 0;
  }
  // --readme takes an optional file: a positional after the benchmark name.
  const [which, readmeArg, ...extra] = args.positionals;
  const names = which === 'all' ? (Object.keys(BENCHMARKS) as (keyof typeof BENCHMARKS)[]) : which && which in BENCHMARKS ? [which as keyof typeof BENCHMARKS] : [];
  if (names.length === 0 || extra.length > 0 || (readmeArg !== undefined && !args.flags.has('readme'))) {
    console.error(`twinpost bench: ${which ? `unknown benchmark or extra argument "${which}"` : 'which benchmark?'}\n\n${HELP}`);
    return 2;
  }
  const dir = resolve(last(args, 'report') ?? 'reports');
  const quick = args.flags.has('quick');
  const command = `npx twinpost bench ${argv.join(' ')}`;
  const reaped = reapStale();
  if (reaped.length) say(`twinpost: removed ${reaped.length} instance(s) left by an earlier, interrupted run`);
  let ok = true;
  try {
    for (const name of names) ok = (await BENCHMARKS[name](args, quick, command, dir)) && ok;
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`twinpost bench: ${err.message}\n\n${HELP}`);
      return 2;
    }
    console.error(`twinpost bench: ${(err as Error).stack ?? err}`);
    return 1;
  }
  if (args.flags.has('readme')) {
    const file = resolve(readmeArg ?? 'README.md');
    const bench: BenchJson = readBenchJson(dir);
    updateReadme(file, renderBenchmarksSection(bench));
    console.log(`updated the "## Benchmarks" section of ${file}`);
  }
  if (!ok) console.error('twinpost bench: real Postfix gave no figures for some column (see above)');
  return ok ? 0 : 1;
}
