/**
 * pgsql: tables (pgsql_table(5)): each lookup is an SQL query against PostgreSQL, as
 * Postfix's dict_pgsql does, over one connection kept open per table (pgsql-wire.ts).
 *
 * Keys are lowercased first unless case folding is off. The .cf file: hosts (unix:/socket/dir, inet:host:port, host:port, host, or a
 * postgresql:// URI), user, password, dbname, query (or the old select_field/table/
 * where_field/additional_conditions), result_format, domain, expansion_limit.
 * - The query's %s, %u, %d, %1…%9 and %% are expanded from the key, with single quotes doubled
 *   (what PQescapeStringConn does with standard_conforming_strings on). A key without the part
 *   the query needs (%u/%d with no "@", too few domain labels) is not looked up: not found.
 * - With `domain`, only keys whose domain is listed are looked up.
 * - Every field of every row becomes result_format with %s (the field), %u, %d (of the field);
 *   NULL and empty fields are skipped; the results are joined with "," (no space), as
 *   db_common_expand joins them. More than expansion_limit results is a lookup failure.
 * - Hosts: an open connection is reused; otherwise UNIX-socket hosts are tried before TCP
 *   ones; a host that fails is skipped for 60 s. No host reachable → TableError ('lookup'),
 *   which the daemons treat as a temporary failure.
 */
import { readFileSync } from 'node:fs';
import { PgConnection, type PgConnectOptions } from './pgsql-wire.ts';
import { foldKey } from './fold.ts';
import { TableError, type Table } from './types.ts';

export interface PgsqlConfig {
  hosts: string[];
  user: string;
  password: string;
  dbname: string;
  query: string;
  resultFormat: string;
  /** Only keys in these domains are looked up (empty: every key). */
  domains: string[];
  /** More results than this is an error (0: no limit). */
  expansionLimit: number;
}

/** How long a host that failed is left alone before it is tried again (dict_pgsql: 60 s). */
const RETRY_AFTER_MS = 60_000;

export function parsePgsqlCf(text: string): PgsqlConfig {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trimStart().startsWith('#')) continue;
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) kv.set(m[1]!, m[2]!);
  }
  let query = kv.get('query') ?? '';
  if (!query && kv.has('table')) {
    const extra = kv.get('additional_conditions');
    query = `SELECT ${kv.get('select_field')} FROM ${kv.get('table')} WHERE ${kv.get('where_field')} = '%s'${extra ? ` ${extra}` : ''}`;
  }
  if (!query) throw new TableError('pgsql: no query in configuration', 'open');
  const list = (v: string | undefined) => (v ?? '').split(/[\s,]+/).filter(Boolean);
  return {
    hosts: kv.has('hosts') ? list(kv.get('hosts')) : ['localhost'],
    user: kv.get('user') ?? '',
    password: kv.get('password') ?? '',
    dbname: kv.get('dbname') ?? '',
    query,
    resultFormat: kv.get('result_format') ?? '%s',
    domains: list(kv.get('domain')).map((d) => d.toLowerCase()),
    expansionLimit: Number(kv.get('expansion_limit') ?? 0) || 0,
  };
}

const sqlQuote = (s: string) => s.replace(/'/g, "''");

/**
 * Expand a query (quoting = true) or result template from `value`: %s the whole value, %u its
 * local part, %d its domain, %1…%9 the domain's labels counted from the right, %% a percent.
 * Null when the value lacks a part the template uses (the lookup is then skipped).
 */
export function expandTemplate(template: string, value: string, quoting: boolean): string | null {
  const at = value.lastIndexOf('@');
  const user = at < 0 ? value : value.slice(0, at);
  const domain = at < 0 ? '' : value.slice(at + 1);
  const labels = domain.split('.');
  const q = quoting ? sqlQuote : (s: string) => s;
  let missing = false;
  const out = template.replace(/%[%sud1-9]/g, (m) => {
    const c = m[1]!;
    if (c === '%') return '%';
    if (c === 's') return q(value);
    if (c === 'u') {
      if (at === 0) missing = true;
      return q(user);
    }
    if (!domain || labels.some((l) => l === '')) missing = true;
    if (c === 'd') return q(domain);
    const n = Number(c);
    if (n > labels.length) missing = true;
    return q(labels[labels.length - n] ?? '');
  });
  return missing ? null : out;
}

/** The query with the key expanded, or null when the key cannot fill it in. */
export function expandQuery(query: string, key: string): string | null {
  return expandTemplate(query, key, true);
}

/** Connection settings for one `hosts` entry (libpq's defaults: port 5432, /var/run/postgresql). */
export function hostSettings(host: string, cfg: PgsqlConfig): PgConnectOptions & { unix: boolean } {
  const base = { host: '/var/run/postgresql', port: 5432, user: cfg.user, password: cfg.password, database: cfg.dbname, timeoutMs: 5000 };
  if (/^postgres(ql)?:\/\//.test(host)) {
    // postgresql://user:password@host:port/dbname?host=…&port=…&user=…&password=…&dbname=…
    const m = /^postgres(?:ql)?:\/\/(?:([^@/]*)@)?([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/.exec(host);
    if (!m) throw new TableError(`bad connection URI: ${host}`, 'open');
    const [user, password] = (m[1] ?? '').split(':').map(decodeURIComponent);
    const [uriHost, uriPort] = (m[2] ?? '').split(':').map(decodeURIComponent);
    const params = new URLSearchParams(m[4] ?? '');
    const q = (name: string) => params.get(name) ?? undefined;
    const h = q('host') ?? (uriHost || base.host);
    return {
      ...base,
      host: h,
      port: Number(q('port') ?? (uriPort || 5432)),
      user: q('user') ?? (user || cfg.user),
      password: q('password') ?? (password || cfg.password),
      database: q('dbname') ?? (decodeURIComponent(m[3] ?? '') || cfg.dbname),
      unix: h.startsWith('/'),
    };
  }
  const h = host.replace(/^(unix|inet):/, '');
  if (h === '' || h.startsWith('/')) return { ...base, host: h || base.host, unix: true };
  const m = /^(.*):(\d+)$/.exec(h);
  return m ? { ...base, host: m[1]!, port: Number(m[2]), unix: false } : { ...base, host: h, unix: false };
}

/** `fold`: lowercase the key first (DICT_FLAG_FOLD_FIX, as the daemons and postmap without -f). */
export function openPgsql(cfFile: string, fold = true): Table {
  let cfg: PgsqlConfig;
  try {
    cfg = parsePgsqlCf(readFileSync(cfFile, 'utf8'));
  } catch (e) {
    throw new TableError(`pgsql:${cfFile}: ${(e as Error).message}`, 'open');
  }
  const hosts = cfg.hosts.map((h) => ({ name: h, settings: hostSettings(h, cfg), failedAt: 0 }));
  // UNIX sockets first, then TCP; each group in the order written.
  const order = [...hosts.filter((h) => h.settings.unix), ...hosts.filter((h) => !h.settings.unix)];
  let active: PgConnection | undefined;
  let connecting: Promise<PgConnection> | undefined;
  const errors: string[] = [];

  async function connect(): Promise<PgConnection> {
    errors.length = 0;
    for (const h of order) {
      if (h.failedAt && Date.now() - h.failedAt < RETRY_AFTER_MS) {
        errors.push(`${h.name}: skipped (failed ${Math.round((Date.now() - h.failedAt) / 1000)} s ago)`);
        continue;
      }
      try {
        const conn = await PgConnection.connect(h.settings);
        h.failedAt = 0;
        return conn;
      } catch (e) {
        h.failedAt = Date.now();
        errors.push(`${h.name}: ${(e as Error).message}`);
      }
    }
    throw new TableError(`pgsql:${cfFile}: no database server reachable (${errors.join('; ')})`, 'lookup');
  }

  async function client(): Promise<PgConnection> {
    if (active) return active;
    connecting ??= connect().finally(() => (connecting = undefined));
    active = await connecting;
    return active;
  }

  return {
    type: 'pgsql',
    name: cfFile,
    warnings: [],
    async lookup(asked: string): Promise<string | null> {
      const key = foldKey(asked, fold);
      if (cfg.domains.length) {
        const at = key.lastIndexOf('@');
        if (at < 0 || !cfg.domains.includes(key.slice(at + 1).toLowerCase())) return null;
      }
      const sql = expandQuery(cfg.query, key);
      if (sql === null) return null;
      let rows: (string | null)[][];
      const c = await client();
      try {
        rows = await c.query(sql);
      } catch (e) {
        // The connection is dropped (the next lookup reconnects); the query is not retried.
        if (active === c) active = undefined;
        c.close();
        throw new TableError(`pgsql:${cfFile}: query failed: ${(e as Error).message}`, 'lookup');
      }
      const results: string[] = [];
      for (const row of rows) {
        for (const field of row) {
          if (field === null || field === '') continue;
          const r = expandTemplate(cfg.resultFormat, field, false);
          if (r === null) continue;
          results.push(r);
          if (cfg.expansionLimit > 0 && results.length > cfg.expansionLimit) {
            throw new TableError(`pgsql:${cfFile}: expansion limit exceeded for key: '${key}'`, 'lookup');
          }
        }
      }
      return results.length ? results.join(',') : null;
    },
    async close(): Promise<void> {
      const c = active;
      active = undefined;
      c?.close();
    },
  };
}
