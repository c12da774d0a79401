/**
 * proxy:type:name tables: lookups go to the proxymap(8) service through an injected
 * ProxyClient (DESIGN.md §1, postfix-internals §3). The request carries the table without the
 * proxy: prefix and DICT_FLAG_FOLD_FIX (unless foldCase is false), so the server folds keys of
 * fixed-string tables. NOKEY → null; RETRY/BAD/DENY/CONFIG → TableError ('lookup').
 */
import {
  DICT_FLAG_FOLD_FIX,
  PROXY_STAT_BAD,
  PROXY_STAT_CONFIG,
  PROXY_STAT_DENY,
  PROXY_STAT_NOKEY,
  PROXY_STAT_OK,
  PROXY_STAT_RETRY,
  TableError,
  type OpenTableOptions,
  type Table,
} from './types.ts';

const STATUS_TEXT: Readonly<Record<number, string>> = {
  [PROXY_STAT_RETRY]: 'table lookup failed (temporary error)',
  [PROXY_STAT_BAD]: 'malformed request',
  [PROXY_STAT_DENY]: 'table is not approved for proxied access (list it in proxy_read_maps)',
  [PROXY_STAT_CONFIG]: 'table configuration error',
};

export function openProxy(name: string, opts: OpenTableOptions): Table {
  const table = name.replace(/^(proxy:)+/, '');
  if (!table.includes(':')) throw new TableError(`proxy:${name}: need dictionary_type:dictionary_name`, 'open');
  const client = opts.proxy;
  if (!client) throw new TableError(`proxy:${table}: no proxymap client was given to openTable`, 'open');
  const flags = (opts.foldCase ?? true) ? DICT_FLAG_FOLD_FIX : 0;
  return {
    type: 'proxy',
    name: table,
    warnings: [],
    async lookup(key: string): Promise<string | null> {
      const reply = await client.lookup({ table, flags, key });
      if (reply.status === PROXY_STAT_OK) return reply.value;
      if (reply.status === PROXY_STAT_NOKEY) return null;
      throw new TableError(`proxy:${table}: ${STATUS_TEXT[reply.status] ?? `unexpected status ${reply.status}`}`, 'lookup');
    },
    close: async () => {},
  };
}
