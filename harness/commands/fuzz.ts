/**
 * `twinpost fuzz smtpd …`: the smtpd differential fuzzer (harness/fuzz/smtpd-command.ts).
 *
 * `twinpost fuzz rewrite --runs N [--seed S] [--per-config K] [--save FILE]`: a seeded
 * differential fuzzing campaign of the reference trivial-rewrite against real Postfix
 * (harness/fuzz/campaign.ts, the generators of property/rewrite). Prints a progress line per
 * configuration, every divergence (configuration, address, both answers), and as its last line
 * the cases run, the divergences found and the cases per second. Exit 1 on any divergence, 2 on
 * bad usage. --save writes the divergences as regression cases (specs/trivial-rewrite format,
 * answers from real Postfix).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs, UsageError } from './args.ts';
import { runCampaign, DEFAULT_PER_CONFIG } from '../fuzz/campaign.ts';
import { describeDivergence } from '../fuzz/check.ts';
import { describeConfig } from '../fuzz/rewrite-config.ts';
import { parseSeed } from '../fuzz/seed.ts';
import { toRegressionCases } from '../fuzz/regressions.ts';
import { reapStale } from '../util/cleanup.ts';
import { fuzzSmtpdCommand, SMTPD_HELP } from '../fuzz/smtpd-command.ts';

const HELP = `usage: twinpost fuzz rewrite|smtpd ... (twinpost fuzz smtpd --help: the smtpd fuzzer)

usage: twinpost fuzz rewrite --runs N [--seed S] [--per-config K] [--save FILE]

Differential fuzzing of trivial-rewrite: generated configurations (domain classes,
transport_maps, relayhost, myorigin/mydomain, percent/bang/quoting switches, ...) times
generated addresses; the reference's rewrite (local, remote, and again) and resolve answers
must equal those of real Postfix, asked over private/rewrite of a private instance with the
same main.cf (one instance per configuration). Resolve must also answer the same when asked
again.

options:
  --runs N         cases (configuration × address) to check (required)
  --seed S         seed (default: $TWINPOST_SEED, else random; printed)
  --per-config K   addresses per configuration (default ${DEFAULT_PER_CONFIG})
  --save FILE      write the divergences as regression cases (JSON) to FILE
  -h, --help       this text

Exit status: 0 when no divergence was found, 1 otherwise, 2 on bad usage.`;

function positiveInt(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new UsageError(`--${name} needs a positive whole number, not "${v}"`);
  return Number(v);
}

interface FuzzArgs {
  runs: number;
  seed: number;
  perConfig: number;
  save?: string;
}

function parse(argv: string[]): FuzzArgs | 'help' {
  const args = parseArgs(argv, ['runs', 'seed', 'per-config', 'save'], ['help', 'h']);
  if (args.flags.has('help') || args.flags.has('h')) return 'help';
  const [what, ...extra] = args.positionals;
  if (what !== 'rewrite') throw new UsageError(what ? `unknown fuzz target "${what}" (rewrite or smtpd)` : 'what to fuzz? (rewrite or smtpd)');
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
  const runs = positiveInt(args.options.runs?.at(-1), 'runs');
  if (runs === undefined) throw new UsageError('--runs is required');
  const seedText = args.options.seed?.at(-1) ?? process.env.TWINPOST_SEED;
  let seed: number;
  try {
    seed = seedText ? parseSeed(seedText) : Math.floor(Math.random() * 0x7fffffff);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return { runs, seed, perConfig: positiveInt(args.options['per-config']?.at(-1), 'per-config') ?? DEFAULT_PER_CONFIG, save: args.options.save?.at(-1) };
}

export async function fuzzCommand(argv: string[]): Promise<number> {
  if (argv[0] === 'smtpd') {
    try {
      return await fuzzSmtpdCommand(argv.slice(1));
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      console.error(`twinpost fuzz smtpd: ${err.message}\n\n${SMTPD_HELP}`);
      return 2;
    }
  }
  let a: FuzzArgs;
  try {
    const parsed = parse(argv);
    if (parsed === 'help') {
      console.log(HELP);
      return 0;
    }
    a = parsed;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`twinpost fuzz: ${err.message}\n\n${HELP}`);
    return 2;
  }
  reapStale();
  console.log(`fuzz rewrite: ${a.runs} cases, ${a.perConfig} addresses per configuration, seed ${a.seed}`);
  const result = await runCampaign({
    runs: a.runs,
    seed: a.seed,
    perConfig: a.perConfig,
    progress: (p) => console.log(`  ${p.cases}/${p.runs} cases, ${p.configs} configurations, ${p.divergences} divergences, ` +
      `${(p.cases / Math.max(p.seconds, 0.001)).toFixed(0)} cases/s`),
  });
  for (const d of result.divergenceList) console.log(describeDivergence(d, describeConfig));
  const classes = new Set(result.notIdempotent.map((n) => n.address)).size;
  console.log(`finding: real Postfix rewrote ${result.notIdempotent.length} results differently when asked again ` +
    `(${classes} addresses); the reference did the same wherever it agreed`);
  if (a.save) {
    writeFileSync(a.save, JSON.stringify(toRegressionCases(result.divergenceList, `found by twinpost fuzz rewrite --seed ${a.seed}`), null, 2) + '\n');
    console.log(`divergences saved as regression cases to ${a.save}`);
  }
  console.log(`fuzz rewrite: ${result.cases} cases run, ${result.divergences} divergences, ` +
    `${result.casesPerSecond.toFixed(1)} cases/s (${result.configs} configurations, seed ${a.seed}, ${result.seconds.toFixed(1)} s)`);
  return result.divergences === 0 ? 0 : 1;
}
