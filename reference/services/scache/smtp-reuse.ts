/**
 * smtp(8)'s connection reuse on top of scache (smtp_reuse.c's role): which delivery may take a
 * cached session and which may leave its session in the cache. Follows postconf(5):
 * smtp_connection_cache_on_demand (qmgr's CONN_LOAD / CONN_STORE request flags, set while a
 * destination has a backlog), smtp_connection_cache_destinations (always), the cache ttl
 * smtp_connection_cache_time_limit, and the limits that close a session instead of caching it:
 * smtp_connection_reuse_count_limit (reuses so far ≥ limit) and smtp_connection_reuse_time_limit
 * (connect second + limit < second of the last I/O; Postfix compares whole seconds).
 * Sessions are cached under their destination (transport + nexthop) and endpoint
 * (transport + address + port). Used by reference/services/smtp.
 *
 * Differs from Postfix: smtp_connection_cache_destinations is matched against the nexthop text
 * as text (Postfix matches it as a string list, tables and patterns included). No scenario
 * shows it yet.
 */
import { createScache, type Scache } from './scache.ts';
import { DEL_REQ_FLAG_CONN_LOAD, DEL_REQ_FLAG_CONN_STORE } from '../../global/deliver-request.ts';

export interface ReusableSession<C> {
  conn: C;
  /** EHLO keywords of the server (the cached session skips the greeting and EHLO). */
  features: Set<string>;
  endpoint: { name: string; addr: string; port: number };
  /** ms */
  connectedAt: number;
  reuseCount: number;
}

export interface ReuseSettings {
  onDemand: boolean;
  /** smtp_connection_cache_destinations, as nexthop strings (without the transport). */
  destinations: string[];
  cacheTimeLimit: number;
  reuseTimeLimit: number;
  reuseCountLimit: number;
}

export interface SmtpReuse<C> {
  /** A cached session for this delivery (its reuse count already incremented), or undefined. */
  take(req: { flags: number; transport: string; nexthop: string }): ReusableSession<C> | undefined;
  /** Whether keep() would cache the session now (smtp(8) knows it before its last commands: QUIT or not). */
  wouldKeep(req: { flags: number; transport: string; nexthop: string }, s: ReusableSession<C>, lastIo: number): boolean;
  /** After a delivery: true = the session went into the cache (do not QUIT or close it). */
  keep(req: { flags: number; transport: string; nexthop: string }, s: ReusableSession<C>, lastIo: number): boolean;
  close(): void;
}

export function createSmtpReuse<C>(settings: ReuseSettings, scacheOpts: { ttlLimit: number; closeConnection: (c: C) => void }): SmtpReuse<C> {
  const cache: Scache<ReusableSession<C>> = createScache({ ttlLimit: scacheOpts.ttlLimit, closeConnection: (s) => scacheOpts.closeConnection(s.conn) });
  const always = (nexthop: string) => settings.destinations.some((d) => d === nexthop || `[${d}]` === nexthop.replace(/:\d+$/, '') || d === nexthop.replace(/^\[|\](:\d+)?$/g, ''));
  const destLabel = (r: { transport: string; nexthop: string }) => `${r.transport}\n${r.nexthop}`;
  const wouldKeep = (req: { flags: number; nexthop: string }, s: ReusableSession<C>, lastIo: number): boolean => {
    if (!((settings.onDemand && req.flags & DEL_REQ_FLAG_CONN_STORE) || always(req.nexthop))) return false;
    if (settings.reuseCountLimit > 0 && s.reuseCount >= settings.reuseCountLimit) return false;
    return Math.floor(s.connectedAt / 1000) + settings.reuseTimeLimit >= Math.floor(lastIo / 1000);
  };
  return {
    take(req) {
      if (!((settings.onDemand && req.flags & DEL_REQ_FLAG_CONN_LOAD) || always(req.nexthop))) return undefined;
      const hit = cache.findDest(destLabel(req));
      if (!hit) return undefined;
      hit.conn.reuseCount++;
      return hit.conn;
    },
    wouldKeep,
    keep(req, s, lastIo) {
      if (!wouldKeep(req, s, lastIo)) return false;
      const endp = `${req.transport}\n${s.endpoint.addr}\n${s.endpoint.port}`;
      cache.saveEndp(settings.cacheTimeLimit, endp, '', s);
      cache.saveDest(settings.cacheTimeLimit, destLabel(req), '', endp);
      return true;
    },
    close: () => cache.close(),
  };
}
