/**
 * pgsql: tables (pgsql_table(5)) for the reference's proxymap: the .cf file's hosts, user,
 * password, dbname and query; the key is put into the query with %s (quoted for SQL), %u
 * (local part), %d (domain) and %% expanded; several result rows are joined with ", ".
 * The reference has no PostgreSQL driver, so each lookup runs the psql client
 * (postgresql-client) with tuples-only, unaligned output. Hosts are tried in order:
 * "inet:host:port", "unix:/socket/dir", "host:port" or "host".
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { TableError, type Table } from '../../tables/index.ts';

const run = promisify(execFile);

export interface PgsqlConfig {
  hosts: string[];
  user: string;
  password: string;
  dbname: string;
  query: string;
}

export function parsePgsqlCf(text: string): PgsqlConfig {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*([a-z_]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (m && !line.trimStart().startsWith('#')) kv.set(m[1]!, m[2]!);
  }
  const query = kv.get('query') ?? (kv.has('table') ? `SELECT ${kv.get('select_field')} FROM ${kv.get('table')} WHERE ${kv.get('where_field')} = '%s'` : '');
  if (!query) throw new TableError('pgsql: no query in configuration', 'open');
  return { hosts: (kv.get('hosts') ?? 'localhost').split(/[\s,]+/).filter(Boolean), user: kv.get('user') ?? '', password: kv.get('password') ?? '', dbname: kv.get('dbname') ?? '', query };
}

/** The query with the key expanded (%s %u %d %%); quotes are doubled as SQL wants. */
export function expandQuery(query: string, key: string): string {
  const q = (s: string) => s.replace(/'/g, "''").replace(/\\/g, '\\\\');
  const at = key.lastIndexOf('@');
  return query.replace(/%[%sud]/g, (m) => (m === '%%' ? '%' : m === '%s' ? q(key) : m === '%u' ? q(at < 0 ? key : key.slice(0, at)) : q(at < 0 ? '' : key.slice(at + 1))));
}

function hostArgs(host: string): string[] {
  const h = host.replace(/^inet:/, '');
  if (h.startsWith('unix:')) return ['-h', h.slice(5)];
  const m = /^(.*):(\d+)$/.exec(h);
  return m ? ['-h', m[1]!, '-p', m[2]!] : ['-h', h];
}

export function openPgsql(cfFile: string): Table {
  const cfg = parsePgsqlCf(readFileSync(cfFile, 'utf8'));
  return {
    type: 'pgsql',
    name: cfFile,
    warnings: [],
    async lookup(key: string): Promise<string | null> {
      let last: Error | undefined;
      for (const host of cfg.hosts) {
        try {
          const { stdout } = await run('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...hostArgs(host), '-U', cfg.user, '-d', cfg.dbname, '-c', expandQuery(cfg.query, key)], {
            env: { ...process.env, PGPASSWORD: cfg.password, PGCONNECT_TIMEOUT: '5' },
          });
          const rows = stdout.split('\n').filter((l) => l !== '');
          return rows.length ? rows.join(', ') : null;
        } catch (e) {
          last = e as Error;
        }
      }
      throw new TableError(`pgsql:${cfFile}: ${last?.message ?? 'no hosts'}`, 'lookup');
    },
    close: async () => undefined,
  };
}
