/**
 * scache(8) for the reference MTA: the shared SMTP/LMTP connection cache, in-process.
 *
 * Requests served (the operations of Postfix's scache protocol, postfix-internals.md §4.1):
 * save_endp, find_endp, save_dest, find_dest. Asked by the smtp/lmtp delivery agents (smtp(8)
 * connection reuse: smtp_connection_cache_on_demand, smtp_connection_cache_destinations).
 * Follows scache(8): an *endpoint* label (a physical server, e.g. transport+address+port) holds
 * any number of idle connections, each with its own time to live, handed out oldest first
 * and removed from the cache when handed out; a *destination* label (a logical nexthop) is
 * bound to one or more endpoint labels, refreshed when saved again; a destination lookup
 * returns a connection of the first bound endpoint that has one. Every ttl is capped at
 * connection_cache_ttl_limit. An idle connection whose ttl runs out is closed by the cache.
 *
 * Differs from Postfix, on purpose: Postfix's scache is a separate process and receives the
 * connection as a file descriptor (SCM_RIGHTS); Node cannot pass descriptors without a native
 * addon, so the reference keeps the cache in the delivery agents' process and stores the
 * connection object itself. Observable behaviour at the SMTP peer is the same.
 */

export const SCACHE_STAT_OK = 0;
export const SCACHE_STAT_BAD = 1;
export const SCACHE_STAT_FAIL = 2;

export interface ScacheOptions<C> {
  /** connection_cache_ttl_limit in seconds (default 2). */
  ttlLimit?: number;
  /** How an idle connection is disposed of when its ttl runs out or the cache closes. */
  closeConnection: (conn: C) => void;
}

export interface Scache<C> {
  /** Cache an idle connection under its endpoint label for `ttl` seconds. */
  saveEndp(ttl: number, endpLabel: string, endpProp: string, conn: C): number;
  /** Take the oldest idle connection of an endpoint out of the cache. */
  findEndp(endpLabel: string): { endpProp: string; conn: C } | undefined;
  /** Bind a destination label to an endpoint label for `ttl` seconds. */
  saveDest(ttl: number, destLabel: string, destProp: string, endpLabel: string): number;
  /** Take an idle connection of the first endpoint bound to the destination that has one. */
  findDest(destLabel: string): { destProp: string; endpProp: string; conn: C } | undefined;
  /** Counts, as scache's statistics report them. */
  size(): { destCount: number; endpCount: number; sessCount: number };
  /** Close every cached connection and forget every binding. */
  close(): void;
}

interface Entry<C> {
  endpProp: string;
  conn: C;
  timer: NodeJS.Timeout;
}

interface Binding {
  destProp: string;
  endpLabel: string;
  timer: NodeJS.Timeout;
}

export function createScache<C>(opts: ScacheOptions<C>): Scache<C> {
  const limit = opts.ttlLimit ?? 2;
  const endps = new Map<string, Entry<C>[]>();
  const dests = new Map<string, Binding[]>();
  const capped = (ttl: number) => Math.min(ttl, limit) * 1000;
  const timer = (ms: number, fn: () => void) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  };
  const removeEntry = (label: string, e: Entry<C>) => {
    const list = endps.get(label);
    if (!list) return;
    const i = list.indexOf(e);
    if (i >= 0) list.splice(i, 1);
    if (!list.length) endps.delete(label);
    clearTimeout(e.timer);
  };

  const cache: Scache<C> = {
    saveEndp(ttl, endpLabel, endpProp, conn) {
      if (!(ttl > 0)) return SCACHE_STAT_BAD;
      const list = endps.get(endpLabel) ?? [];
      endps.set(endpLabel, list);
      const e: Entry<C> = {
        endpProp,
        conn,
        timer: timer(capped(ttl), () => {
          removeEntry(endpLabel, e);
          opts.closeConnection(conn);
        }),
      };
      list.push(e);
      return SCACHE_STAT_OK;
    },
    findEndp(endpLabel) {
      const e = endps.get(endpLabel)?.[0];
      if (!e) return undefined;
      removeEntry(endpLabel, e);
      return { endpProp: e.endpProp, conn: e.conn };
    },
    saveDest(ttl, destLabel, destProp, endpLabel) {
      if (!(ttl > 0)) return SCACHE_STAT_BAD;
      const list = dests.get(destLabel) ?? [];
      dests.set(destLabel, list);
      let b = list.find((x) => x.endpLabel === endpLabel && x.destProp === destProp);
      if (b) clearTimeout(b.timer);
      else list.push((b = { destProp, endpLabel, timer: undefined as unknown as NodeJS.Timeout }));
      const binding = b;
      binding.timer = timer(capped(ttl), () => {
        const l = dests.get(destLabel);
        if (!l) return;
        l.splice(l.indexOf(binding), 1);
        if (!l.length) dests.delete(destLabel);
      });
      return SCACHE_STAT_OK;
    },
    findDest(destLabel) {
      for (const b of dests.get(destLabel) ?? []) {
        const hit = cache.findEndp(b.endpLabel);
        if (hit) return { destProp: b.destProp, endpProp: hit.endpProp, conn: hit.conn };
      }
      return undefined;
    },
    size() {
      let sess = 0;
      for (const l of endps.values()) sess += l.length;
      return { destCount: dests.size, endpCount: endps.size, sessCount: sess };
    },
    close() {
      for (const [label, list] of [...endps]) for (const e of [...list]) {
        removeEntry(label, e);
        opts.closeConnection(e.conn);
      }
      for (const l of dests.values()) for (const b of l) clearTimeout(b.timer);
      dests.clear();
    },
  };
  return cache;
}
