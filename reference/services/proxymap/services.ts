/**
 * Wiring of proxymap(8) and proxywrite for the reference master: both services on their
 * sockets ($queue_directory/private/proxymap and private/proxywrite, as master.cf's default
 * entries name them), one shared set of writable tables, and a ProxyClient through which
 * reference/tables opens `proxy:type:name` tables in-process (what dict_proxy does in Postfix).
 */
import type { MainConfig } from '../../config/index.ts';
import { privateSocket } from '../../protocol/sockets.ts';
import type { RunningServer } from '../../skeleton/multi-server.ts';
import { DICT_FLAG_FOLD_FIX, DICT_FLAG_LOCK, type ProxyClient } from '../../tables/index.ts';
import type { Logger } from '../contracts.ts';
import { createProxymap, PROXY_STAT_DENY, serveProxymap, WritableTables, type Proxymap } from './proxymap.ts';

export interface ProxymapServices {
  proxymap: Proxymap;
  proxywrite: Proxymap;
  writable: WritableTables;
  /** For openTable(…, { proxy }) / referenceTables({ proxy }): lookups through proxymap. */
  client: ProxyClient;
  /**
   * What a daemon's dict_open does for a `proxy:type:name` table: an open request to proxymap;
   * when proxymap refuses the table (DENY) it throws ProxyTableDenied ("proxymap service is not
   * configured for table ..."), which Postfix daemons treat as fatal. Other specs pass.
   */
  checkTable(spec: string): Promise<void>;
  close(): Promise<void>;
}

/** A proxy: table that proxymap refused to open; fatal for the daemon that opened it. */
export class ProxyTableDenied extends Error {}

/** DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX, the flags trivial-rewrite's maps open a table with. */
const OPEN_FLAGS = DICT_FLAG_LOCK | DICT_FLAG_FOLD_FIX;

export async function startProxymapServices(opts: { config: MainConfig; queueDirectory: string; logger?: Logger; listen?: boolean }): Promise<ProxymapServices> {
  const writable = new WritableTables();
  const proxymap = createProxymap({ config: opts.config, service: 'proxymap', logger: opts.logger, writable });
  const proxywrite = createProxymap({ config: opts.config, service: 'proxywrite', logger: opts.logger, writable });
  const servers: RunningServer[] = [];
  if (opts.listen ?? true) {
    servers.push(await serveProxymap(privateSocket(opts.queueDirectory, 'proxymap'), proxymap));
    servers.push(await serveProxymap(privateSocket(opts.queueDirectory, 'proxywrite'), proxywrite));
  }
  return {
    proxymap,
    proxywrite,
    writable,
    client: {
      async lookup({ table, flags, key }) {
        const r = await proxymap.lookup(table, flags, key);
        return { status: r.status, value: r.value ?? '' };
      },
    },
    async checkTable(spec) {
      const m = /^proxy:(.*)$/.exec(spec);
      if (!m) return;
      const table = m[1].replace(/^(proxy:)+/, '');
      const reply = await proxymap.open(table, OPEN_FLAGS);
      if (reply.status === PROXY_STAT_DENY) throw new ProxyTableDenied(`proxymap service is not configured for table "${table}"`);
    },
    async close() {
      await Promise.all(servers.map((s) => s.close()));
      await proxymap.close();
      await proxywrite.close();
    },
  };
}
