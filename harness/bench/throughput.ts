/**
 * `twinpost bench throughput`: N messages (S bytes, R recipients each) over C concurrent SMTP
 * sessions into each target (real Postfix, then the reference MTA), relayed through relayhost
 * to a capture sink (harness/sink). Per target: accepted/s (250 after DATA), delivered/s (all
 * recipients at the sink), the acceptance-to-delivery latency distribution (sink arrival time
 * minus the 250's time, per message), and the peak of the summed RSS of the target's process
 * session (a Postfix master and its daemons; the reference MTA's process). A target that cannot
 * run here gets "not available: <reason>" instead of figures.
 */
import { loadavg } from 'node:os';
import { createSink, type Sink } from '../sink/index.ts';
import { createTarget } from '../targets/index.ts';
import type { MailConfig, Target, TargetName } from '../targets/types.ts';
import { PeakRss, recordedSession } from './memory.ts';
import { sendLoad, watchDeliveries, type LoadOptions } from './load.ts';
import { sig, summarize, scaled, type LatencySummary } from './stats.ts';

export interface ThroughputOptions {
  messages: number;
  size: number;
  recipients: number;
  sessions: number;
  targets: TargetName[];
  progress?: (line: string) => void;
}

export function throughputDefaults(quick: boolean): ThroughputOptions {
  return { messages: quick ? 200 : 2000, size: 2048, recipients: 1, sessions: 10, targets: ['postfix', 'reference'] };
}

export interface ThroughputFigures {
  status: 'ok';
  messages: number;
  accepted: number;
  delivered: number;
  acceptedPerSec: number;
  deliveredPerSec: number;
  /** Acceptance (250 after DATA) to arrival of the last recipient at the sink, milliseconds. */
  latencyMs: LatencySummary;
  /** Peak of the summed RSS of the target's processes, MiB, and how many processes then. */
  peakRssMiB: number;
  peakProcesses: number;
  durationS: number;
  /** 1-minute load average before and after this target's run (the targets run one after the other). */
  loadAverage: { start: number; end: number };
  errors?: string[];
}

/**
 * Figures, or why there are none. A run that lost messages is not available; its figures over
 * the messages that did arrive are kept as `partial` (status 'ok' inside, counts show the loss).
 */
export type ThroughputColumn = ThroughputFigures | { status: 'unavailable'; reason: string; partial?: ThroughputFigures };

export interface ThroughputResult {
  messages: number;
  sizeBytes: number;
  recipients: number;
  sessions: number;
  targets: Record<string, ThroughputColumn>;
  /** reference ÷ postfix for delivered/s and peak memory, when both ran. */
  ratios?: { deliveredPerSec: number; peakRss: number };
}

/** The configuration every throughput run uses: all mail relayed to the sink. */
export function relayConfig(sink: Sink, extra: Record<string, string> = {}): MailConfig {
  return { main: { relayhost: sink.relay, ...extra } };
}

export async function benchThroughput(opts: ThroughputOptions): Promise<ThroughputResult> {
  const say = opts.progress ?? (() => {});
  const targets: Record<string, ThroughputColumn> = {};
  for (const name of opts.targets) {
    let target: Target;
    try {
      target = createTarget(name);
    } catch (e) {
      targets[name] = { status: 'unavailable', reason: `not available: ${(e as Error).message}` };
      say(`throughput: ${name}: ${targets[name].reason}`);
      continue;
    }
    targets[name] = await runOnTarget(target, opts, say);
  }
  const result: ThroughputResult = {
    messages: opts.messages,
    sizeBytes: opts.size,
    recipients: opts.recipients,
    sessions: opts.sessions,
    targets,
  };
  const [pf, ref] = [targets.postfix, targets.reference];
  if (pf?.status === 'ok' && ref?.status === 'ok') {
    result.ratios = { deliveredPerSec: sig(ref.deliveredPerSec / pf.deliveredPerSec), peakRss: sig(ref.peakRssMiB / pf.peakRssMiB) };
  }
  return result;
}

/** Run the load on one target relaying to a sink (a fresh one unless given); extra main.cf parameters on top. */
export async function runOnTarget(
  target: Target,
  opts: Omit<ThroughputOptions, 'targets'>,
  say: (line: string) => void,
  extra: (sink: Sink) => Record<string, string> = () => ({}),
  givenSink?: Sink,
): Promise<ThroughputColumn> {
  const sink = givenSink ?? (await createSink());
  let memory: PeakRss | undefined;
  try {
    await target.start(relayConfig(sink, extra(sink)));
    const root = (target as { root?: string }).root;
    const sid = root ? recordedSession(root) : undefined;
    if (sid === undefined) return { status: 'unavailable', reason: `not available: no process session recorded for the ${target.name} target, so its memory cannot be measured` };
    memory = PeakRss.forSession(sid).start();
    const loadAtStart = loadavg()[0]!;

    const load: LoadOptions = { ...opts, domain: () => 'remote.twinpost.test', timeoutMs: 120_000 };
    let [accepted, delivered] = [0, 0];
    let last = 0;
    const report = () => {
      if (Date.now() - last < 1000) return;
      last = Date.now();
      say(`throughput: ${target.name}: accepted ${accepted}/${opts.messages}, delivered ${delivered}/${opts.messages}`);
    };
    const watch = watchDeliveries(sink, opts.messages, opts.recipients, 60_000 + opts.messages * 100, (n) => {
      delivered = n;
      report();
    });
    const sent = await sendLoad(target.smtp, load, (n) => {
      accepted = n;
      report();
    });
    const acceptedTimes = sent.acceptedAt.filter((t): t is number => t !== undefined);
    // Only what was accepted can arrive; wait for exactly that (a failed run is reported below).
    if (acceptedTimes.length < opts.messages) watch.expect(acceptedTimes.length);
    try {
      await watch.done;
    } catch (e) {
      if (acceptedTimes.length === opts.messages) throw e;
    }
    const peak = memory.stop();
    const deliveredTimes = watch.deliveredAt.filter((t): t is number => t !== undefined);
    const latencies = watch.deliveredAt.flatMap((d, n) => (d !== undefined && sent.acceptedAt[n] !== undefined ? [d - sent.acceptedAt[n]!] : []));
    if (deliveredTimes.length === 0) {
      return { status: 'unavailable', reason: `not available: no message reached the sink (client saw: ${sent.errors.join('; ') || 'nothing'})` };
    }
    const end = Math.max(...deliveredTimes);
    const figures: ThroughputFigures = {
      status: 'ok',
      messages: opts.messages,
      accepted: acceptedTimes.length,
      delivered: deliveredTimes.length,
      acceptedPerSec: sig(acceptedTimes.length / ((Math.max(...acceptedTimes) - sent.startedAt) / 1000)),
      deliveredPerSec: sig(deliveredTimes.length / ((end - sent.startedAt) / 1000)),
      latencyMs: scaled(summarize(latencies), 1),
      peakRssMiB: sig(peak.bytes / 1048576),
      peakProcesses: peak.processes,
      durationS: sig((end - sent.startedAt) / 1000),
      loadAverage: { start: sig(loadAtStart), end: sig(loadavg()[0]!) },
    };
    if (sent.errors.length > 0) figures.errors = sent.errors;
    if (deliveredTimes.length < opts.messages) {
      const problems = target.events().filter((e) => ['warning', 'error', 'fatal', 'panic'].includes(e.kind)).slice(-3);
      const logged = problems.map((e) => ('text' in e ? `${e.kind}: ${e.text}` : e.kind)).join('; ');
      const reason =
        `not available: the run did not complete (${acceptedTimes.length} accepted, ${deliveredTimes.length} delivered of ${opts.messages}; ` +
        `client saw: ${sent.errors.join('; ') || 'nothing'}; maillog: ${logged || 'no warnings'})`;
      say(`throughput: ${target.name}: ${reason}`);
      return { status: 'unavailable', reason, partial: figures };
    }
    say(`throughput: ${target.name}: ${figures.acceptedPerSec} accepted/s, ${figures.deliveredPerSec} delivered/s, peak ${figures.peakRssMiB} MiB`);
    return figures;
  } finally {
    memory?.stop();
    await target.dispose();
    if (!givenSink) await sink.close();
  }
}
