/**
 * Types shared by the reference's lookup tables (postconf(5) "lookup tables", DATABASE_README):
 * the Table every service looks keys up in, the options for opening one, and the ProxyClient
 * through which `proxy:type:name` tables reach the proxymap(8) service.
 */
import type { MainConfig } from '../config/index.ts';

/** An open lookup table. */
export interface Table {
  /** Table type as in main.cf: "texthash", "regexp", "lmdb", "proxy" ... */
  readonly type: string;
  /** The part after "type:" (a path, or the inline text). */
  readonly name: string;
  /** The value for key, or null when not found. Throws TableError on a lookup failure. */
  lookup(key: string): Promise<string | null>;
  /**
   * The same answer at once, for tables that need no I/O to give it (held in memory, or a
   * memory-mapped lmdb file): Postfix's dict lookups are synchronous, and trivial-rewrite's
   * resolve path uses this to avoid a trip through the event loop per key. Absent for proxy:
   * and pgsql: tables.
   */
  lookupNow?(key: string): string | null;
  close(): Promise<void>;
  /** Problems found while loading that Postfix reports as warnings (rules skipped, duplicates). */
  readonly warnings: readonly string[];
}

/** proxymap status codes (dict_proxy.h). */
export const PROXY_STAT_OK = 0;
export const PROXY_STAT_NOKEY = 1;
export const PROXY_STAT_RETRY = 2;
export const PROXY_STAT_BAD = 3;
export const PROXY_STAT_DENY = 4;
export const PROXY_STAT_CONFIG = 5;

/** dict.h flag bits the reference uses (proxymap requests and replies carry them). */
export const DICT_FLAG_TRY0NULL = 1 << 2;
export const DICT_FLAG_TRY1NULL = 1 << 3;
/** A fixed-string table: keys are looked up as they are (after folding). */
export const DICT_FLAG_FIXED = 1 << 4;
/** A pattern table (regexp, pcre, cidr): keys are matched, and only full keys are asked. */
export const DICT_FLAG_PATTERN = 1 << 5;
export const DICT_FLAG_LOCK = 1 << 6;
/** Ask the server to lowercase keys of fixed-string tables. */
export const DICT_FLAG_FOLD_FIX = 1 << 14;
export const DICT_FLAG_MULTI_WRITER = 1 << 18;

/** The client side of proxymap(8) "lookup": table is "type:name" without the proxy: prefix. */
export interface ProxyClient {
  lookup(request: { table: string; flags: number; key: string }): Promise<{ status: number; value: string }>;
}

export interface OpenTableOptions {
  /** For tables whose behaviour depends on main.cf (reserved; also passed down to proxy). */
  config?: MainConfig;
  /** Needed for proxy: tables. */
  proxy?: ProxyClient;
  /** Lowercase keys of fixed-string tables (default true, as postmap without -f and the daemons). */
  foldCase?: boolean;
}

export type TableErrorKind = 'open' | 'lookup' | 'unsupported';

/**
 * A table that cannot be opened or searched. Postfix's daemons treat both as a temporary
 * failure (the map becomes a "surrogate" that fails every lookup, and mail is deferred);
 * postmap -q reports a fatal error and exits non-zero.
 */
export class TableError extends Error {
  constructor(
    message: string,
    readonly kind: TableErrorKind,
  ) {
    super(message);
    this.name = 'TableError';
  }
}
