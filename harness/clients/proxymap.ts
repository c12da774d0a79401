/**
 * A harness-side client for proxymap(8) / proxywrite: direct requests over
 * $queue_directory/private/proxymap (or private/proxywrite) in Postfix 3.7's attr0 wire format
 * (postfix-internals.md §3.1): open, lookup, update, delete, sequence. Works against real
 * Postfix and against the reference's proxymap service alike, so a scenario can compare their
 * answers. It also satisfies reference/tables' ProxyClient (lookup).
 */
import { AttrClient } from '../../reference/protocol/client.ts';
import { attrGet, parseAttrInt, PROTOCOL_NAMES, type AttrList } from '../../reference/protocol/attr.ts';
import { privateSocket } from '../../reference/protocol/sockets.ts';

export type ProxymapService = 'proxymap' | 'proxywrite';

/** A proxymap request as the scenario format names it; `table` is type:name without proxy:. */
export type ProxymapRequest =
  | { request: 'open'; table: string; flags?: number }
  | { request: 'lookup'; table: string; flags?: number; key: string }
  | { request: 'update'; table: string; flags?: number; key: string; value: string }
  | { request: 'delete'; table: string; flags?: number; key: string }
  | { request: 'sequence'; table: string; flags?: number; first: boolean };

export interface ProxymapReply {
  status: number;
  value?: string;
  key?: string;
  flags?: number;
  /** The reply list as received. */
  raw: AttrList;
}

/** The attribute list of a request, exactly in the order a 3.7 server parses it. */
export function proxymapRequestList(r: ProxymapRequest): AttrList {
  const head: AttrList = [['request', r.request], ['table', r.table], ['flags', String(r.flags ?? 0)]];
  switch (r.request) {
    case 'open':
      return head;
    case 'lookup':
    case 'delete':
      return [...head, ['key', r.key]];
    case 'update':
      return [...head, ['key', r.key], ['value', r.value]];
    case 'sequence':
      return [...head, ['function', r.first ? '0' : '1']];
  }
}

export class ProxymapClient {
  private constructor(private readonly client: AttrClient) {}

  static async connect(queueDirectory: string, service: ProxymapService = 'proxymap', timeoutMs = 10_000): Promise<ProxymapClient> {
    const c = await AttrClient.connect(privateSocket(queueDirectory, service), { protocol: PROTOCOL_NAMES.proxymap, timeoutMs });
    return new ProxymapClient(c);
  }

  async request(r: ProxymapRequest): Promise<ProxymapReply> {
    const raw = await this.client.request(proxymapRequestList(r));
    const num = (n: string) => {
      const v = attrGet(raw, n);
      return v === undefined ? undefined : parseAttrInt(v);
    };
    return { status: num('status') ?? -1, value: attrGet(raw, 'value'), key: attrGet(raw, 'key'), flags: num('flags'), raw };
  }

  /** reference/tables' ProxyClient shape. */
  async lookup(req: { table: string; flags: number; key: string }): Promise<{ status: number; value: string }> {
    const r = await this.request({ request: 'lookup', ...req });
    return { status: r.status, value: r.value ?? '' };
  }

  close(): void {
    this.client.close();
  }
}

/** One request on a fresh connection (what a scenario step does). */
export async function proxymapOnce(queueDirectory: string, service: ProxymapService, r: ProxymapRequest): Promise<ProxymapReply> {
  const c = await ProxymapClient.connect(queueDirectory, service);
  try {
    return await c.request(r);
  } finally {
    c.close();
  }
}
