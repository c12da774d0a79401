/**
 * proxymap(8) / proxywrite for the reference MTA: table access on behalf of other services.
 *
 * Requests served (Postfix 3.7 wire format, postfix-internals.md §3.1): open, lookup, update,
 * delete, sequence, each answered with a status — 0 OK, 1 NOKEY, 2 RETRY, 3 BAD, 4 DENY,
 * 5 CONFIG. Asked by any service whose main.cf names a `proxy:type:name` table (here: through
 * reference/tables' ProxyClient, or any attribute-protocol client over the socket), and by verify
 * for a proxy: address_verify_map. Follows proxymap(8): the `proxymap` service serves only
 * the tables listed as proxy:… in proxy_read_maps and refuses update/delete; `proxywrite`
 * serves only those in proxy_write_maps; a refusal is logged with the hint Postfix gives; one
 * open table is shared per table name and case-folding mode; DICT_FLAG_FOLD_FIX in a request
 * lowercases the key of a fixed-string table.
 *
 * Differs from Postfix: writable tables (btree:, hash:, lmdb: opened through proxywrite) are
 * kept in a JSON file beside the named path (<path>.twinpost.json), not in Berkeley DB / LMDB
 * format: the reference has no writer for those formats (verify/cache-survives-restart keeps
 * its cache there). Read-only tables come from reference/tables
 * (pgsql: among them). `sequence` works on writable tables, texthash: and inline: (in
 * file order; Postfix walks the latter two in its hash-table order).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { MainConfig } from '../../config/index.ts';
import { splitList } from '../../config/index.ts';
import {
  DICT_FLAG_FIXED, DICT_FLAG_FOLD_FIX, DICT_FLAG_MULTI_WRITER, DICT_FLAG_PATTERN, DICT_FLAG_TRY0NULL, DICT_FLAG_TRY1NULL,
  isPatternType, openTable, PROXY_STAT_BAD, PROXY_STAT_CONFIG, PROXY_STAT_DENY, PROXY_STAT_NOKEY, PROXY_STAT_OK, PROXY_STAT_RETRY,
  type Table,
} from '../../tables/index.ts';
import { attrGet, attrInt, attrNames, parseAttrInt, PROTOCOL_NAMES, type AttrList } from '../../protocol/attr.ts';
import {
  MAIL_ATTR_FLAGS, MAIL_ATTR_FUNC, MAIL_ATTR_KEY, MAIL_ATTR_REQ, MAIL_ATTR_STATUS, MAIL_ATTR_TABLE, MAIL_ATTR_VALUE, PROXY_REQ_DELETE,
  PROXY_REQ_LOOKUP, PROXY_REQ_OPEN, PROXY_REQ_SEQUENCE, PROXY_REQ_UPDATE,
} from '../../global/mail-proto.ts';
import { serveAttrProtocol, type RunningServer } from '../../skeleton/multi-server.ts';
import type { Logger } from '../contracts.ts';

// The status codes are dict_proxy.h's, shared with the client side in reference/tables.
export { PROXY_STAT_OK, PROXY_STAT_NOKEY, PROXY_STAT_RETRY, PROXY_STAT_BAD, PROXY_STAT_DENY, PROXY_STAT_CONFIG };

/**
 * The dict flags a freshly opened table reports to `open` (observed on 3.7.11): FIXED or
 * PATTERN as the table type says (reference/tables), lmdb FIXED|TRY0NULL|TRY1NULL|MULTI_WRITER;
 * a table that cannot be opened PATTERN (Postfix's surrogate).
 */
function openFlags(type: string): number {
  if (type === 'lmdb') return DICT_FLAG_FIXED | DICT_FLAG_TRY0NULL | DICT_FLAG_TRY1NULL | DICT_FLAG_MULTI_WRITER;
  return isPatternType(type) ? DICT_FLAG_PATTERN : DICT_FLAG_FIXED;
}
const WRITABLE_TYPES = new Set(['btree', 'hash', 'lmdb']);
const SEQUENCE_TYPES = new Set(['texthash', 'inline']);

export type ProxyService = 'proxymap' | 'proxywrite';

/** A writable key/value store persisted as JSON next to the table's path. */
export class WritableTable {
  private data?: Map<string, string>;
  constructor(readonly file: string) {}
  private load(): Map<string, string> {
    if (!this.data) this.data = new Map(existsSync(this.file) ? Object.entries(JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>) : []);
    return this.data;
  }
  private save(): void {
    writeFileSync(this.file, JSON.stringify(Object.fromEntries(this.load())), { mode: 0o600 });
  }
  get(key: string): string | null {
    return this.load().get(key) ?? null;
  }
  put(key: string, value: string): void {
    this.load().set(key, value);
    this.save();
  }
  delete(key: string): boolean {
    const had = this.load().delete(key);
    if (had) this.save();
    return had;
  }
  entries(): [string, string][] {
    return [...this.load()];
  }
}

/** Writable tables shared by every user in the process (proxywrite, verify), by "type:name". */
export class WritableTables {
  private readonly tables = new Map<string, WritableTable>();
  get(table: string): WritableTable {
    let t = this.tables.get(table);
    if (!t) this.tables.set(table, (t = new WritableTable(`${table.slice(table.indexOf(':') + 1)}.twinpost.json`)));
    return t;
  }
}

/** The tables a proxy_read_maps / proxy_write_maps value approves: its proxy: entries, prefix stripped. */
export function approvedTables(value: string): Set<string> {
  const out = new Set<string>();
  const walk = (text: string) => {
    for (const item of splitList(text)) {
      if (item.startsWith('{') && item.endsWith('}')) walk(item.slice(1, -1));
      else if (item.startsWith('proxy:')) out.add(item.replace(/^(proxy:)+/, ''));
      else if (/^(pipemap|unionmap):\{/.test(item)) walk(item.slice(item.indexOf('{') + 1, -1));
    }
  };
  walk(value);
  return out;
}

export interface ProxymapReply {
  status: number;
  value?: string;
  key?: string;
  flags?: number;
}

export interface Proxymap {
  open(table: string, flags: number): Promise<ProxymapReply>;
  lookup(table: string, flags: number, key: string): Promise<ProxymapReply>;
  update(table: string, flags: number, key: string, value: string): Promise<ProxymapReply>;
  delete(table: string, flags: number, key: string): Promise<ProxymapReply>;
  /** null: the table type has no sequence operation (Postfix's daemon exits; the client sees a close). */
  sequence(table: string, flags: number, first: boolean): Promise<ProxymapReply | null>;
  close(): Promise<void>;
}

export interface ProxymapDeps {
  config: MainConfig;
  service: ProxyService;
  logger?: Logger;
  writable?: WritableTables;
}

export function createProxymap(deps: ProxymapDeps): Proxymap {
  const { config, service } = deps;
  const writer = service === 'proxywrite';
  const approved = approvedTables(config.get(writer ? 'proxy_write_maps' : 'proxy_read_maps'));
  const writable = deps.writable ?? new WritableTables();
  const opened = new Map<string, Promise<Table>>();
  const cursors = new Map<string, { list: [string, string][]; next: number }>();
  const warn = (text: string) => deps.logger?.warning(service, text);

  /** Approval check and table kind; a status when refused. */
  const find = (raw: string): { table: string; type: string } | number => {
    const table = raw.replace(/^(proxy:)+/, '');
    const colon = table.indexOf(':');
    if (colon <= 0) return PROXY_STAT_BAD;
    if (!approved.has(table)) {
      warn(`request for unapproved table: "${table}"`);
      warn(`to approve this table for ${writer ? 'read-write' : 'read-only'} access, list proxy:${table} in main.cf:${writer ? 'proxy_write_maps' : 'proxy_read_maps'}`);
      return PROXY_STAT_DENY;
    }
    return { table, type: table.slice(0, colon) };
  };
  const isWritable = (type: string) => WRITABLE_TYPES.has(type) && (writer || type !== 'lmdb');
  /**
   * One open table per name. As in Postfix, the first request that opens it decides whether a
   * table built at open time (texthash:, inline:) gets its keys lowercased: FOLD_FIX then.
   */
  const readTable = (table: string, flags: number): Promise<Table> => {
    let t = opened.get(table);
    if (!t) {
      t = openTable(table, { config, foldCase: (flags & DICT_FLAG_FOLD_FIX) !== 0 });
      // An open error reaches every request that awaits the table (a surrogate's flags, RETRY);
      // this only keeps it from being an unhandled rejection until the first one does.
      t.catch(() => undefined);
      opened.set(table, t);
    }
    return t;
  };
  const foldKey = (type: string, flags: number, key: string) => ((flags & DICT_FLAG_FOLD_FIX) && !isPatternType(type) ? key.toLowerCase() : key);

  return {
    async open(table, flags) {
      const f = find(table);
      if (typeof f === 'number') return { status: f, flags: 0 };
      if (isWritable(f.type)) return { status: PROXY_STAT_OK, flags: openFlags(f.type) };
      try {
        await readTable(f.table, flags);
        return { status: PROXY_STAT_OK, flags: openFlags(f.type) };
      } catch {
        return { status: PROXY_STAT_OK, flags: DICT_FLAG_PATTERN }; // cannot be opened: Postfix's surrogate table
      }
    },
    async lookup(table, flags, key) {
      const f = find(table);
      if (typeof f === 'number') return { status: f, value: '' };
      const k = foldKey(f.type, flags, key);
      if (isWritable(f.type)) {
        const v = writable.get(f.table).get(k);
        return v === null ? { status: PROXY_STAT_NOKEY, value: '' } : { status: PROXY_STAT_OK, value: v };
      }
      try {
        const v = await (await readTable(f.table, flags)).lookup(k);
        return v === null ? { status: PROXY_STAT_NOKEY, value: '' } : { status: PROXY_STAT_OK, value: v };
      } catch {
        return { status: PROXY_STAT_RETRY, value: '' }; // the table failed: the client is to try again
      }
    },
    async update(table, flags, key, value) {
      if (!writer) {
        warn(`refusing ${table} update request on non-proxywrite service`);
        return { status: PROXY_STAT_DENY };
      }
      const f = find(table);
      if (typeof f === 'number') return { status: f };
      if (!isWritable(f.type)) return { status: PROXY_STAT_RETRY };
      writable.get(f.table).put(foldKey(f.type, flags, key), value);
      return { status: PROXY_STAT_OK };
    },
    async delete(table, flags, key) {
      if (!writer) {
        warn(`refusing ${table} delete request on non-proxywrite service`);
        return { status: PROXY_STAT_DENY };
      }
      const f = find(table);
      if (typeof f === 'number') return { status: f };
      if (!isWritable(f.type)) return { status: PROXY_STAT_RETRY };
      return { status: writable.get(f.table).delete(foldKey(f.type, flags, key)) ? PROXY_STAT_OK : PROXY_STAT_NOKEY };
    },
    async sequence(table, _flags, first) {
      const f = find(table);
      if (typeof f === 'number') return { status: f, key: '', value: '' };
      let list: [string, string][];
      if (isWritable(f.type)) list = writable.get(f.table).entries();
      else if (SEQUENCE_TYPES.has(f.type)) list = sequenceEntries(f.type, f.table.slice(f.type.length + 1));
      else return null;
      if (first || !cursors.has(f.table)) cursors.set(f.table, { list, next: 0 });
      const c = cursors.get(f.table)!;
      const e = c.list[c.next++];
      return e ? { status: PROXY_STAT_OK, key: e[0], value: e[1] } : { status: PROXY_STAT_NOKEY, key: '', value: '' };
    },
    async close() {
      // Best-effort close on stop or reload; a table that never opened has nothing to close.
      for (const t of opened.values()) await t.then((x) => x.close()).catch(() => undefined);
      opened.clear();
    },
  };
}

/** The entries of a texthash: file or an inline: table, in file order (what dict_seq walks). */
function sequenceEntries(type: string, name: string): [string, string][] {
  if (type === 'inline') {
    return splitList(name.replace(/^\{\s*|\s*\}$/g, '')).map((item) => {
      const body = item.replace(/^\{\s*|\s*\}$/g, '');
      const eq = body.indexOf('=');
      return [body.slice(0, eq).trim(), body.slice(eq + 1).trim()] as [string, string];
    });
  }
  const out: [string, string][] = [];
  for (const line of readFileSync(name, 'utf8').split('\n')) {
    const t = line.trim();
    if (!t || t.startsWith('#')) continue;
    const m = /^(\S+)\s*(.*)$/.exec(t);
    if (m) out.push([m[1]!.toLowerCase(), m[2]!]);
  }
  return out;
}

/** The attributes each request must carry, in this order (STRICT parsing). */
const OPEN_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_TABLE, MAIL_ATTR_FLAGS].join(',');
const LOOKUP_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_TABLE, MAIL_ATTR_FLAGS, MAIL_ATTR_KEY].join(',');
const UPDATE_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_TABLE, MAIL_ATTR_FLAGS, MAIL_ATTR_KEY, MAIL_ATTR_VALUE].join(',');
const DELETE_REQUEST = LOOKUP_REQUEST;
const SEQUENCE_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_TABLE, MAIL_ATTR_FLAGS, MAIL_ATTR_FUNC].join(',');

/** The reply attribute of each ProxymapReply field; status and flags are numbers. */
const REPLY_ATTR = { status: MAIL_ATTR_STATUS, flags: MAIL_ATTR_FLAGS, key: MAIL_ATTR_KEY, value: MAIL_ATTR_VALUE } as const;
type ReplyField = keyof typeof REPLY_ATTR;

function proxymapReply(r: ProxymapReply, fields: ReplyField[]): AttrList {
  return fields.map((f) => [REPLY_ATTR[f], f === 'status' || f === 'flags' ? attrInt(r[f] ?? 0) : (r[f] ?? '')]);
}

/** One request list → reply list, strictly in the 3.7 attribute order; null = close the connection. */
export async function proxymapRequest(pm: Proxymap, request: AttrList): Promise<AttrList | null> {
  const names = attrNames(request);
  const get = (n: string) => attrGet(request, n)!;
  const int = (n: string): number | undefined => {
    try {
      return parseAttrInt(get(n));
    } catch {
      return undefined; // not a number: the request is malformed (BAD)
    }
  };
  const flags = int(MAIL_ATTR_FLAGS);
  const table = get(MAIL_ATTR_TABLE);
  const bad = { status: PROXY_STAT_BAD, flags: 0, key: '', value: '' };
  const wellFormed = (wanted: string) => names === wanted && flags !== undefined;
  switch (get(MAIL_ATTR_REQ)) {
    case PROXY_REQ_OPEN:
      return proxymapReply(wellFormed(OPEN_REQUEST) ? await pm.open(table, flags!) : bad, ['status', 'flags']);
    case PROXY_REQ_LOOKUP:
      return proxymapReply(wellFormed(LOOKUP_REQUEST) ? await pm.lookup(table, flags!, get(MAIL_ATTR_KEY)) : bad, ['status', 'value']);
    case PROXY_REQ_UPDATE:
      return proxymapReply(wellFormed(UPDATE_REQUEST) ? await pm.update(table, flags!, get(MAIL_ATTR_KEY), get(MAIL_ATTR_VALUE)) : bad, ['status']);
    case PROXY_REQ_DELETE:
      return proxymapReply(wellFormed(DELETE_REQUEST) ? await pm.delete(table, flags!, get(MAIL_ATTR_KEY)) : bad, ['status']);
    case PROXY_REQ_SEQUENCE: {
      const fn = int(MAIL_ATTR_FUNC);
      if (!wellFormed(SEQUENCE_REQUEST) || (fn !== 0 && fn !== 1)) return proxymapReply(bad, ['status', 'key', 'value']);
      const r = await pm.sequence(table, flags!, fn === 0);
      return r ? proxymapReply(r, ['status', 'key', 'value']) : null;
    }
    default:
      return [[MAIL_ATTR_STATUS, attrInt(PROXY_STAT_BAD)]];
  }
}

/** Serve on $queue_directory/private/proxymap or private/proxywrite (attr0, many requests per connection). */
export function serveProxymap(path: string, pm: Proxymap): Promise<RunningServer> {
  return serveAttrProtocol(path, { protocol: PROTOCOL_NAMES.proxymap, handle: (req) => proxymapRequest(pm, req) });
}
