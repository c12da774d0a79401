/**
 * A ProxyClient (reference/tables) that sends proxymap(8) "lookup" requests to a proxymap
 * server's socket — here the real Postfix instance's private/proxymap, because the reference
 * has no proxymap service of its own yet. Lets the reference trivial-rewrite use proxy:lmdb:
 * tables in the rewrite benchmark. 3.7 wire format (postfix-internals.md §3.1).
 */
import { AttrClient } from '../../reference/protocol/client.ts';
import { attrGet, parseAttrInt, PROTOCOL_NAMES } from '../../reference/protocol/attr.ts';
import type { ProxyClient } from '../../reference/tables/index.ts';

export interface ClosableProxyClient extends ProxyClient {
  close(): void;
}

export async function connectProxymap(socketPath: string): Promise<ClosableProxyClient> {
  const conn = await AttrClient.connect(socketPath, { protocol: PROTOCOL_NAMES.proxymap });
  return {
    async lookup({ table, flags, key }) {
      const reply = await conn.request([['request', 'lookup'], ['table', table], ['flags', String(flags)], ['key', key]]);
      return { status: parseAttrInt(attrGet(reply, 'status') ?? '3'), value: attrGet(reply, 'value') ?? '' };
    },
    close: () => conn.close(),
  };
}
