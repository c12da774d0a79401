/**
 * `twinpost bench rewrite`: latency of trivial-rewrite's resolve and rewrite requests, one
 * request at a time as qmgr and cleanup send them, in three columns:
 *   postfix              real trivial-rewrite over $queue_directory/private/rewrite of a
 *                        private real Postfix instance (PostfixTarget)
 *   reference-socket     the reference (createTrivialRewrite) behind serveTrivialRewrite on
 *                        its own Unix socket, same client, same attribute protocol
 *   reference-inprocess  the same reference object called directly
 * for each transport_maps variant (unset, lmdb:, texthash:, proxy:lmdb:, pgsql:, and a user's
 * configuration directory with -c). All columns of a row are measured in one run, interleaved
 * in small round-robin batches, with the same address stream; warm-up requests are discarded.
 * Before measuring, each reference column's answers are compared with real Postfix's.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { PostfixTarget } from '../targets/postfix/postfix-target.ts';
import { RewriteClient } from '../clients/rewrite.ts';
import { createTrivialRewrite, serveTrivialRewrite } from '../../reference/services/trivial-rewrite/index.ts';
import { referenceTables } from '../../reference/global/maps.ts';
import { loadMainCf, splitList } from '../../reference/config/index.ts';
import { SUPPORTED_TYPES } from '../../reference/tables/index.ts';
import type { TrivialRewriteClient } from '../../reference/services/contracts.ts';
import type { ProxyClient } from '../../reference/tables/index.ts';
import { startProxymapServices } from '../../reference/services/proxymap/services.ts';
import { destroyRootSync, makeInstanceRoot } from '../util/cleanup.ts';
import { ProxymapClient } from '../clients/proxymap.ts';
import { startPostgres, type PrivatePostgres } from '../pg/index.ts';
import { benchAddress, buildTransportTables, TABLE_KINDS, type TableKind } from './transport-tables.ts';
import { scaled, sig, summarize, type LatencySummary } from './stats.ts';
import { REWRITE_PARAMETERS } from './rewrite-params.ts';

export const REWRITE_COLUMNS = ['postfix', 'reference-socket', 'reference-inprocess'] as const;
export type RewriteColumn = (typeof REWRITE_COLUMNS)[number];

export interface Unavailable {
  status: 'unavailable';
  reason: string;
}

export interface MeasuredColumn {
  status: 'ok';
  /** Latencies in microseconds. */
  resolve: LatencySummary;
  rewrite: LatencySummary;
  /** Sequential requests per second (one outstanding request, as qmgr sends them). */
  resolvePerSec: number;
  rewritePerSec: number;
  /** This column's latency divided by real Postfix's (absent for the postfix column). */
  ratioToPostfix?: { resolveP50: number; resolveP99: number; rewriteP50: number; rewriteP99: number };
  /** How many of the checked addresses got the same answer as from real Postfix. */
  agreement?: { checked: number; same: number; firstDifference?: string };
  note?: string;
}

export type ColumnResult = MeasuredColumn | Unavailable;

export interface RewriteRow {
  table: string;
  transport_maps: string;
  columns: Record<RewriteColumn, ColumnResult>;
}

export interface RewriteBenchResult {
  unit: 'µs';
  requestsPerColumn: number;
  warmup: number;
  batch: number;
  domains: number;
  rows: RewriteRow[];
}

export interface RewriteBenchOptions {
  /** Measured requests per column and request type. */
  requests: number;
  warmup: number;
  batch: number;
  domains: number;
  tables: TableKind[];
  /** A user's configuration directory: its trivial-rewrite parameters become an extra row. */
  configDir?: string;
  progress?: (line: string) => void;
}

export function rewriteDefaults(quick: boolean): RewriteBenchOptions {
  return quick
    ? { requests: 2000, warmup: 200, batch: 50, domains: 500, tables: TABLE_KINDS }
    : { requests: 20000, warmup: 1000, batch: 100, domains: 5000, tables: TABLE_KINDS };
}

interface RowSpec {
  table: string;
  /** main.cf parameters for the instance (transport_maps and, for -c, the user's settings). */
  params: Record<string, string>;
}

interface LiveColumn {
  name: RewriteColumn;
  client: TrivialRewriteClient;
  resolveNs: number[];
  rewriteNs: number[];
  next: number;
}

export async function benchRewrite(opts: RewriteBenchOptions): Promise<RewriteBenchResult> {
  const say = opts.progress ?? (() => {});
  const work = makeInstanceRoot('bench');
  let pg: PrivatePostgres | undefined;
  try {
    if (opts.tables.includes('pgsql')) {
      say('rewrite: starting a private PostgreSQL cluster');
      pg = await startPostgres();
    }
    const maps = await buildTransportTables(work, opts.domains, pg);
    const specs: RowSpec[] = opts.tables.map((t): RowSpec => ({ table: t, params: t === 'none' ? {} : { transport_maps: maps[t] } }));
    if (opts.configDir) specs.push({ table: `config:${opts.configDir}`, params: userRewriteParams(opts.configDir) });
    const rows: RewriteRow[] = [];
    for (const [i, spec] of specs.entries()) {
      say(`rewrite: [${i + 1}/${specs.length}] ${spec.table}`);
      rows.push(await benchRow(spec, opts, work, say));
    }
    return { unit: 'µs', requestsPerColumn: opts.requests, warmup: opts.warmup, batch: opts.batch, domains: opts.domains, rows };
  } finally {
    await pg?.stop().catch(() => {});
    destroyRootSync(work);
  }
}

/** The trivial-rewrite parameters a user's main.cf sets (postconf -n, values expanded). */
export function userRewriteParams(configDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = execFileSync('postconf', ['-c', configDir, '-n', '-x'], { encoding: 'utf8' });
  for (const line of text.split('\n')) {
    const m = /^(\S+) = (.*)$/.exec(line);
    if (m && REWRITE_PARAMETERS.includes(m[1]!)) out[m[1]!] = m[2]!;
  }
  return out;
}

/** Table types ("pgsql:") the reference cannot open, among every table the row's parameters name. */
function unsupportedTables(params: Record<string, string>): string[] {
  const out: string[] = [];
  for (const value of Object.values(params)) {
    for (const item of splitList(value)) {
      const spec = item.replace(/^!+/, '').replace(/^(proxy:)+/, '');
      const m = /^([a-z0-9]+):/.exec(spec);
      if (!m || spec.startsWith('[')) continue;
      if (!(SUPPORTED_TYPES as readonly string[]).includes(m[1]!) && !out.includes(`${m[1]}:`)) out.push(`${m[1]}:`);
    }
  }
  return out;
}

async function benchRow(spec: RowSpec, opts: RewriteBenchOptions, work: string, say: (l: string) => void): Promise<RewriteRow> {
  const target = new PostfixTarget();
  const closers: (() => unknown)[] = [];
  try {
    await target.start({ main: spec.params });
    const real = await RewriteClient.connect(join(target.queueDir, 'private', 'rewrite'));
    closers.push(() => real.close());
    const live: LiveColumn[] = [column('postfix', real)];
    const unavailable: Partial<Record<RewriteColumn, Unavailable>> = {};

    const missing = unsupportedTables(spec.params);
    if (missing.length > 0) {
      const reason = `not available: reference/tables has no ${missing.join(', ')} tables (it has ${SUPPORTED_TYPES.join(', ')})`;
      unavailable['reference-socket'] = unavailable['reference-inprocess'] = { status: 'unavailable', reason };
    } else {
      const config = loadMainCf(target.configDir);
      const sockDir = join(work, `sock-${spec.table.replace(/[^a-z0-9]+/gi, '-')}`);
      mkdirSync(join(sockDir, 'private'), { recursive: true });
      // proxy: tables reach the reference's own proxymap, over its socket for the socket
      // column (as trivial-rewrite reaches proxymap(8)), by a direct call for the in-process one.
      let viaSocketProxy: ProxymapClient | undefined;
      let inProcessProxy: ProxyClient | undefined;
      if (Object.values(spec.params).some((v) => v.includes('proxy:'))) {
        const proxymap = await startProxymapServices({ config, queueDirectory: sockDir });
        closers.push(() => proxymap.close());
        viaSocketProxy = await ProxymapClient.connect(sockDir);
        closers.push(() => viaSocketProxy!.close());
        inProcessProxy = proxymap.client;
      }
      const socketImpl = createTrivialRewrite(config, { openTable: referenceTables({ config, ...(viaSocketProxy ? { proxy: viaSocketProxy } : {}) }) });
      const impl = createTrivialRewrite(config, { openTable: referenceTables({ config, ...(inProcessProxy ? { proxy: inProcessProxy } : {}) }) });
      const server = await serveTrivialRewrite(join(sockDir, 'rewrite'), socketImpl);
      closers.push(() => server.close());
      const viaSocket = await RewriteClient.connect(server.path);
      closers.push(() => viaSocket.close());
      live.push(column('reference-socket', viaSocket), column('reference-inprocess', impl));
    }

    const agreement = new Map<RewriteColumn, MeasuredColumn['agreement']>();
    for (const c of live.slice(1)) agreement.set(c.name, await compareAnswers(real, c.client, opts.domains));
    await measure(live, opts, (done, total) => say(`rewrite: ${spec.table}: ${done}/${total} requests per column`));

    const results = {} as Record<RewriteColumn, ColumnResult>;
    const base = finish(live[0]!);
    for (const name of REWRITE_COLUMNS) {
      const c = live.find((l) => l.name === name);
      if (!c) {
        results[name] = unavailable[name]!;
        continue;
      }
      const r = name === 'postfix' ? base : withRatio(finish(c), base);
      const agreed = agreement.get(name);
      if (agreed) r.agreement = agreed;
      results[name] = r;
    }
    return { table: spec.table, transport_maps: spec.params.transport_maps ?? '', columns: results };
  } finally {
    for (const close of closers.reverse()) await Promise.resolve(close()).catch(() => {});
    await target.dispose();
  }
}

function column(name: RewriteColumn, client: TrivialRewriteClient): LiveColumn {
  return { name, client, resolveNs: [], rewriteNs: [], next: 0 };
}

async function compareAnswers(real: TrivialRewriteClient, other: TrivialRewriteClient, domains: number): Promise<MeasuredColumn['agreement']> {
  const checked = 200;
  let same = 0;
  let firstDifference: string | undefined;
  for (let n = 0; n < checked; n++) {
    const address = benchAddress(1_000_000 + n, domains);
    const [a, b] = [await real.resolve('', address), await other.resolve('', address)];
    const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
    if (x === y) same++;
    else firstDifference ??= `resolve ${address}: postfix ${x}, reference ${y}`;
  }
  return firstDifference === undefined ? { checked, same } : { checked, same, firstDifference };
}

/** Round-robin batches over the columns (rotating who goes first) until each has its samples. */
async function measure(live: LiveColumn[], opts: RewriteBenchOptions, progress: (done: number, total: number) => void): Promise<void> {
  const total = opts.warmup + opts.requests;
  let lastReport = Date.now();
  for (let round = 0; live[0]!.next < total; round++) {
    for (let k = 0; k < live.length; k++) {
      const c = live[(round + k) % live.length]!;
      const count = Math.min(opts.batch, total - c.next);
      for (let i = 0; i < count; i++) {
        const n = c.next + i;
        const address = benchAddress(n, opts.domains);
        let t0 = process.hrtime.bigint();
        await c.client.resolve('', address);
        let t1 = process.hrtime.bigint();
        if (n >= opts.warmup) c.resolveNs.push(Number(t1 - t0));
        t0 = process.hrtime.bigint();
        await c.client.rewrite('local', `u${n}`);
        t1 = process.hrtime.bigint();
        if (n >= opts.warmup) c.rewriteNs.push(Number(t1 - t0));
      }
      c.next += count;
    }
    if (Date.now() - lastReport > 1000) {
      lastReport = Date.now();
      progress(live[0]!.next, total);
    }
  }
}

function finish(c: LiveColumn): MeasuredColumn {
  const perSec = (ns: number[]) => sig(ns.length / (ns.reduce((a, b) => a + b, 0) / 1e9), 4);
  return {
    status: 'ok',
    resolve: scaled(summarize(c.resolveNs), 1e-3),
    rewrite: scaled(summarize(c.rewriteNs), 1e-3),
    resolvePerSec: perSec(c.resolveNs),
    rewritePerSec: perSec(c.rewriteNs),
  };
}

function withRatio(r: MeasuredColumn, base: MeasuredColumn): MeasuredColumn {
  const q = (a: number, b: number) => sig(a / b, 3);
  r.ratioToPostfix = {
    resolveP50: q(r.resolve.p50, base.resolve.p50),
    resolveP99: q(r.resolve.p99, base.resolve.p99),
    rewriteP50: q(r.rewrite.p50, base.rewrite.p50),
    rewriteP99: q(r.rewrite.p99, base.rewrite.p99),
  };
  return r;
}
