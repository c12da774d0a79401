/**
 * `twinpost gate`: a mail team's own configuration as a CI gate. Runs the given config
 * directory (main.cf, master.cf, maps) in a private real Postfix whose outbound mail is
 * captured by the harness, plays every check of the spec files, prints one progress line per
 * check with the diff of each failure, writes results.json and junit.xml, and exits 1 when
 * any check failed (2 on bad usage or bad specs).
 */
import { existsSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs, UsageError } from './args.ts';
import { loadSpecs, SpecError, specStem, type GateCheck } from '../gate/spec.ts';
import { runGate, type GateCheckResult } from '../gate/run.ts';
import { reapStale } from '../util/cleanup.ts';
import { writeJunitXml, writeResultsJson, type RunResult } from '../report/index.ts';

const HELP = `usage: twinpost gate -c CONFIG_DIR --spec SPECS [--target postfix] [--report DIR]

Runs your own Postfix configuration (CONFIG_DIR: main.cf, master.cf and the maps they name)
against your own checks (SPECS: a YAML/JSON spec file or a directory of them) in a private
real Postfix. Outbound mail never leaves the machine: every destination host is a capture
peer on 127.x.y.z reached through the gate's own DNS server. Only what must change to run in
a test is changed (queue/data/mail directories, maillog_file, inet_interfaces, listen ports,
chroot, XCLIENT for the harness); the run prints the list.

options:
  -c, --config DIR     the configuration directory to test (required)
  --spec PATH          spec file or directory; repeat for several (required)
  --target T           postfix (default). The reference MTA is not supported by the gate yet.
  --report DIR         where to write results.json and junit.xml (default: reports/gate)
  --config-path PATH   the directory your files call their own (default: /etc/postfix);
                       mentions of it are pointed at the test copy
  --timeout MS         per-wait timeout in milliseconds (default: 30000)
  -h, --help           this text

Exit status: 0 when every check passed, 1 when any failed, 2 on bad usage or a bad spec.`;

export async function gateCommand(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs(argv, ['c', 'config', 'spec', 'target', 'report', 'config-path', 'timeout'], ['help', 'h']);
  } catch (err) {
    if (err instanceof UsageError) return usage(err.message);
    throw err;
  }
  if (args.flags.has('help') || args.flags.has('h')) {
    console.log(HELP);
    return 0;
  }
  const configDir = (args.options.c ?? args.options.config)?.at(-1);
  if (!configDir) return usage('-c CONFIG_DIR is required');
  if (!existsSync(resolve(configDir, 'main.cf'))) return usage(`${configDir} has no main.cf`);
  const specs = args.options.spec ?? [];
  if (!specs.length) return usage('--spec SPECS is required');
  const target = args.options.target?.at(-1) ?? 'postfix';
  if (target !== 'postfix') {
    console.error(`twinpost gate: target "${target}" is not supported by the gate (supported: postfix)`);
    return 2;
  }
  const timeoutMs = Number(args.options.timeout?.at(-1) ?? 30_000);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) return usage('--timeout needs a number of milliseconds');
  let checks: GateCheck[];
  try {
    checks = loadSpecs(specs);
  } catch (err) {
    if (err instanceof SpecError) {
      console.error(`twinpost gate: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const reportDir = resolve(args.options.report?.at(-1) ?? 'reports/gate');
  const reaped = reapStale();
  if (reaped.length) console.log(`twinpost: removed ${reaped.length} instance(s) left by an earlier, interrupted run`);

  console.log(`twinpost gate: ${resolve(configDir)}, ${checks.length} check(s) from ${specs.join(', ')}, on real Postfix`);
  const started = Date.now();
  const gate = await runGate({
    configDir: resolve(configDir),
    checks,
    configPath: args.options['config-path']?.at(-1),
    timeoutMs,
    progress: (line) => console.log(line),
  });
  if (gate.warnings.length) {
    console.log(`\nPostfix logged ${gate.warnings.length} warning(s):`);
    for (const w of gate.warnings.slice(0, 20)) console.log(`  ${w.replace(/^.*?postfix[^:]*: /, '')}`);
  }
  const run = toRunResult(gate.results, started);
  const files = [writeResultsJson(reportDir, run), writeJunitXml(reportDir, run)];
  const failed = gate.results.filter((r) => r.status !== 'passed').length;
  console.log(`\n${gate.results.length - failed} passed, ${failed} failed${gate.results.some((r) => r.status === 'error') ? ' (some could not run: see ERROR above)' : ''}`);
  console.log(`reports: ${files.map((f) => relative(process.cwd(), f) || f).join(', ')}`);
  return failed ? 1 : 0;
}

function usage(msg: string): number {
  console.error(`twinpost gate: ${msg}\n\n${HELP}`);
  return 2;
}

function toRunResult(results: GateCheckResult[], started: number): RunResult {
  return {
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    targets: ['postfix'],
    scenarios: results.map((r) => ({
      id: `${specStem(r.check.file)} #${results.filter((x) => x.check.file === r.check.file).indexOf(r) + 1}`,
      title: r.check.name,
      file: r.check.file,
      target: 'postfix',
      status: r.status,
      durationMs: r.durationMs,
      failures: r.failures,
      ...(r.error ? { error: r.error } : {}),
      observations: r.observation ? JSON.parse(JSON.stringify(r.observation, (_k, v: unknown) => (v instanceof Set ? [...v] : isBuffer(v) ? Buffer.from(v.data).toString('latin1') : v))) : undefined,
    })),
  };
}

function isBuffer(v: unknown): v is { type: 'Buffer'; data: number[] } {
  return !!v && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data);
}
