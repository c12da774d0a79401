/**
 * `twinpost bench table-latency`: how much does a slow transport table (proxy:, SQL) slow
 * qmgr? Real Postfix relays N messages to a capture sink while transport_maps is a socketmap:
 * table served by socketmap-server.ts, which waits a fixed time (0, 0.1, 1, 5 ms) before each
 * answer; one more run without transport_maps is the baseline. The table routes every
 * recipient to the sink. Every recipient is resolved by trivial-rewrite twice (smtpd's RCPT
 * check, then qmgr), and Postfix asks a socketmap: table (a pattern-style table to it) only
 * for the full address, so the latency is paid about twice per recipient — the second time in
 * series with qmgr's one-at-a-time resolve requests.
 */
import { join } from 'node:path';
import { PostfixTarget } from '../targets/postfix/postfix-target.ts';
import { destroyRootSync, makeInstanceRoot } from '../util/cleanup.ts';
import { runOnTarget, type ThroughputColumn } from './throughput.ts';
import { spawnSocketmapServer, type SocketmapProcess } from './socketmap-process.ts';
import { createSink } from '../sink/index.ts';
import { sig } from './stats.ts';

export interface TableLatencyOptions {
  /** Added per-lookup latencies to try, milliseconds. */
  delaysMs: number[];
  messages: number;
  size: number;
  recipients: number;
  sessions: number;
  progress?: (line: string) => void;
}

export function tableLatencyDefaults(quick: boolean): TableLatencyOptions {
  return { delaysMs: [0, 0.1, 1, 5], messages: quick ? 100 : 1000, size: 2048, recipients: 1, sessions: 10 };
}

export interface TableLatencyPoint {
  /** null = no transport_maps at all (baseline). */
  addedMs: number | null;
  /** The delay actually added per lookup, as measured by the table server. */
  measuredMs?: number;
  lookups?: number;
  lookupsPerMessage?: number;
  result: ThroughputColumn;
}

export interface TableLatencyResult {
  target: 'postfix';
  table: string;
  messages: number;
  recipients: number;
  sessions: number;
  points: TableLatencyPoint[];
}

export async function benchTableLatency(opts: TableLatencyOptions): Promise<TableLatencyResult> {
  const say = opts.progress ?? (() => {});
  const work = makeInstanceRoot('bench');
  const points: TableLatencyPoint[] = [];
  try {
    const load = { messages: opts.messages, size: opts.size, recipients: opts.recipients, sessions: opts.sessions };
    for (const addedMs of [null, ...opts.delaysMs]) {
      const label = addedMs === null ? 'no transport_maps' : `socketmap +${addedMs} ms`;
      // The table answers with the sink's address, so the sink must exist before the table.
      const sink = await createSink();
      let server: SocketmapProcess | undefined;
      try {
        if (addedMs !== null) {
          server = await spawnSocketmapServer(join(work, `map-${points.length}`), addedMs, 'twinpost.test', `smtp:${sink.relay}`);
        }
        const extra = (): Record<string, string> => (server ? { transport_maps: `socketmap:unix:${server.path}:transport` } : {});
        const result = await runOnTarget(new PostfixTarget(), load, (l) => say(`table-latency: ${label}: ${l.replace(/^throughput: postfix: /, '')}`), extra, sink);
        const point: TableLatencyPoint = { addedMs, result };
        if (server) {
          const stats = await server.stats();
          point.measuredMs = sig(stats.meanDelayMs, 3);
          point.lookups = stats.lookups;
          point.lookupsPerMessage = sig(stats.lookups / opts.messages, 3);
        }
        points.push(point);
      } finally {
        await server?.stop();
        await sink.close();
      }
    }
    return { target: 'postfix', table: 'socketmap: (delay server in Node)', messages: opts.messages, recipients: opts.recipients, sessions: opts.sessions, points };
  } finally {
    destroyRootSync(work);
  }
}
