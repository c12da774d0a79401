/**
 * `twinpost crash`: kill the whole mail system (kill -9) at random moments during an SMTP load,
 * restart it, drain the queue, and report accepted / delivered / duplicated / lost counts
 * (harness/crash/crash.ts). Exit 1 when any accepted message was lost (or left queued), 2 on
 * bad usage. The counts also go to reports/queue-invariants.json under crash.<target>.
 */
import { parseArgs, UsageError } from './args.ts';
import { runCrashTest } from '../crash/crash.ts';
import { updateQueueReport } from '../crash/report.ts';
import { TARGET_NAMES } from '../targets/index.ts';
import type { TargetName } from '../targets/types.ts';
import { reapStale } from '../util/cleanup.ts';

const HELP = `usage: twinpost crash --target T [--messages N] [--crashes K] [--seed S] [--clients C]

Sends N messages over SMTP into target T (relayed to a capture sink) while killing the whole
mail system with kill -9 at K random moments and restarting it; then waits for the queue to
drain and reports accepted, delivered, duplicated and lost counts.

options:
  --target T     postfix | reference (required)
  --messages N   messages in the load (default 1000)
  --crashes K    kill -9 + restart cycles (default N/100, 1..10)
  --seed S       random seed for the crash moments (default: time; printed)
  --clients C    parallel SMTP clients (default 4)
  -h, --help     this text

Exit status: 0 when no accepted message was lost, 1 otherwise, 2 on bad usage.`;

function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new UsageError(`--${name} needs a whole number, not "${v}"`);
  return Number(v);
}

export async function crashCommand(argv: string[]): Promise<number> {
  let target: TargetName;
  let messages: number;
  let crashes: number | undefined;
  let seed: number | undefined;
  let clients: number | undefined;
  try {
    const args = parseArgs(argv, ['target', 'messages', 'crashes', 'seed', 'clients'], ['help', 'h']);
    if (args.flags.has('help') || args.flags.has('h')) {
      console.log(HELP);
      return 0;
    }
    const t = args.options.target?.at(-1);
    if (!t) throw new UsageError('--target is required');
    if (!TARGET_NAMES.includes(t as TargetName) || t === 'container') throw new UsageError(`unknown target "${t}" (postfix or reference)`);
    target = t as TargetName;
    messages = int(args.options.messages?.at(-1), 'messages') ?? 1000;
    if (messages < 1) throw new UsageError('--messages must be at least 1');
    crashes = int(args.options.crashes?.at(-1), 'crashes');
    seed = int(args.options.seed?.at(-1), 'seed');
    clients = int(args.options.clients?.at(-1), 'clients');
    if (args.positionals.length) throw new UsageError(`unexpected argument "${args.positionals[0]}"`);
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`twinpost crash: ${err.message}\n\n${HELP}`);
      return 2;
    }
    throw err;
  }
  reapStale();
  const r = await runCrashTest({ target, messages, crashes, seed, clients, progress: (l) => console.log(l) });
  updateQueueReport({ crash: { [target]: { ...r, lostIds: r.lostIds.slice(0, 50), passed: r.lost === 0 && r.leftInQueue === 0 } } });
  console.log(JSON.stringify({ target: r.target, seed: r.seed, accepted: r.accepted, delivered: r.delivered, duplicated: r.duplicated, lost: r.lost, crashes: r.crashes, unacknowledged: r.unacknowledged, leftInQueue: r.leftInQueue }));
  if (r.lost > 0) console.error(`twinpost crash: ${r.lost} accepted message(s) lost: ${r.lostIds.slice(0, 20).join(' ')}`);
  if (r.leftInQueue > 0) console.error(`twinpost crash: ${r.leftInQueue} message(s) still queued after the drain`);
  return r.lost === 0 && r.leftInQueue === 0 ? 0 : 1;
}
