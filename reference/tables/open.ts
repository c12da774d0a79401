/**
 * openTable("type:name") — the entry point for every table the reference consults
 * (postconf(5) "lookup tables", DATABASE_README) — plus lookupList() for a main.cf list of
 * tables (first match wins, as Postfix's maps(3)) and postmapQuery(), which answers as
 * `postmap -q key type:name` does (null = not found, exit status 1).
 *
 * Types: inline static texthash regexp pcre cidr lmdb pgsql proxy. hash:/btree: (Berkeley DB) are
 * refused with an explanation: Debian 12's Postfix uses lmdb as default_database_type.
 */
import { openCidr } from './cidr.ts';
import { openInline, openTexthash } from './fixed.ts';
import { openLmdb } from './lmdb.ts';
import { openPatternTable } from './pattern-table.ts';
import { openPgsql } from './pgsql.ts';
import { openProxy } from './proxy.ts';
import { openStatic } from './static.ts';
import { TableError, type OpenTableOptions, type Table } from './types.ts';
import { splitList } from '../config/index.ts';

export const SUPPORTED_TYPES = ['inline', 'static', 'texthash', 'regexp', 'pcre', 'cidr', 'lmdb', 'pgsql', 'proxy'] as const;

/** Split "type:name" at the first colon. */
export function splitSpec(spec: string): { type: string; name: string } {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new TableError(`${spec}: need dictionary_type:dictionary_name`, 'open');
  return { type: spec.slice(0, colon), name: spec.slice(colon + 1) };
}

export async function openTable(spec: string, opts: OpenTableOptions = {}): Promise<Table> {
  const { type, name } = splitSpec(spec.trim());
  const fold = opts.foldCase ?? true;
  switch (type) {
    case 'inline':
      return openInline(name, fold);
    case 'static':
      return openStatic(name);
    case 'texthash':
      return openTexthash(name, fold);
    case 'regexp':
    case 'pcre':
      return openPatternTable(type, name);
    case 'cidr':
      return openCidr(name);
    case 'lmdb':
      return openLmdb(name, fold);
    case 'pgsql':
      return openPgsql(name, fold);
    case 'proxy':
      return openProxy(name, opts);
    case 'hash':
    case 'btree':
    case 'dbm':
    case 'sdbm':
      throw new TableError(
        `${type}:${name}: Berkeley DB/dbm tables are not supported by the reference; ` +
          `Debian 12's Postfix uses lmdb (default_database_type = lmdb, see "postconf -m"): use lmdb:${name}`,
        'unsupported',
      );
    default:
      throw new TableError(`unsupported dictionary type: ${type} (the reference supports ${SUPPORTED_TYPES.join(', ')})`, 'unsupported');
  }
}

/** A main.cf list of tables ("lmdb:/a, regexp:/b"): the first table with an answer wins. */
export interface TableList {
  readonly tables: readonly Table[];
  lookup(key: string): Promise<string | null>;
  close(): Promise<void>;
}

export async function lookupList(specs: string, opts: OpenTableOptions = {}): Promise<TableList> {
  const tables: Table[] = [];
  try {
    for (const spec of splitList(specs)) tables.push(await openTable(spec, opts));
  } catch (err) {
    await Promise.all(tables.map((t) => t.close()));
    throw err;
  }
  return {
    tables,
    async lookup(key: string): Promise<string | null> {
      for (const t of tables) {
        const value = await t.lookup(key);
        if (value !== null) return value;
      }
      return null;
    },
    async close(): Promise<void> {
      await Promise.all(tables.map((t) => t.close()));
    },
  };
}

/** The answer `postmap -q key spec` prints (null: not found, postmap exits 1). */
export async function postmapQuery(spec: string, key: string, opts: OpenTableOptions = {}): Promise<string | null> {
  const table = await openTable(spec, opts);
  try {
    return await table.lookup(key);
  } finally {
    await table.close();
  }
}
