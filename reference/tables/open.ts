/**
 * openTable("type:name") — the entry point for every table the reference consults
 * (postconf(5) "lookup tables", DATABASE_README) — and postmapQuery(), which answers as
 * `postmap -q key type:name` does (null = not found, exit status 1). A main.cf list of tables
 * (first table with an answer wins, Postfix's maps(3)) is reference/global/maps.ts.
 *
 * TABLE_TYPES says, per type, how a table is opened and what kind it is: a pattern table
 * (DICT_FLAG_PATTERN: regexp, pcre, cidr — keys are matched, and only full keys are asked) or a
 * fixed-string table (DICT_FLAG_FIXED: everything else, static included, as dict_static.c
 * sets it). Adding a table type is one line here. hash:/btree: (Berkeley DB) are refused with
 * an explanation: Debian 12's Postfix uses lmdb as default_database_type.
 */
import { openCidr } from './cidr.ts';
import { openInline, openTexthash } from './fixed.ts';
import { openLmdb } from './lmdb.ts';
import { openPatternTable } from './pattern-table.ts';
import { openPgsql } from './pgsql.ts';
import { openProxy } from './proxy.ts';
import { openStatic } from './static.ts';
import { openUnix } from './unix.ts';
import { TableError, type OpenTableOptions, type Table } from './types.ts';

interface TableType {
  /** DICT_FLAG_PATTERN (true) or DICT_FLAG_FIXED (false); proxy: takes its inner table's. */
  readonly pattern: boolean;
  open(name: string, opts: OpenTableOptions): Table | Promise<Table>;
}

/** Lowercase keys of fixed-string tables unless told otherwise (postmap without -f, the daemons). */
const folding = (opts: OpenTableOptions): boolean => opts.foldCase ?? true;

const TABLE_TYPES: Readonly<Record<string, TableType>> = {
  inline: { pattern: false, open: (name, opts) => openInline(name, folding(opts)) },
  static: { pattern: false, open: (name) => openStatic(name) },
  texthash: { pattern: false, open: (name, opts) => openTexthash(name, folding(opts)) },
  regexp: { pattern: true, open: (name) => openPatternTable('regexp', name) },
  pcre: { pattern: true, open: (name) => openPatternTable('pcre', name) },
  cidr: { pattern: true, open: (name) => openCidr(name) },
  lmdb: { pattern: false, open: (name, opts) => openLmdb(name, folding(opts)) },
  pgsql: { pattern: false, open: (name, opts) => openPgsql(name, folding(opts)) },
  unix: { pattern: false, open: (name, opts) => openUnix(name, folding(opts)) },
  proxy: { pattern: false, open: (name, opts) => openProxy(name, opts) },
};

export const SUPPORTED_TYPES: readonly string[] = Object.keys(TABLE_TYPES);

const BERKELEY_TYPES = new Set(['hash', 'btree', 'dbm', 'sdbm']);

/** Split "type:name" at the first colon. */
export function splitSpec(spec: string): { type: string; name: string } {
  const colon = spec.indexOf(':');
  if (colon <= 0) throw new TableError(`${spec}: need dictionary_type:dictionary_name`, 'open');
  return { type: spec.slice(0, colon), name: spec.slice(colon + 1) };
}

const tableType = (type: string): TableType | undefined => (Object.hasOwn(TABLE_TYPES, type) ? TABLE_TYPES[type] : undefined);

/** Is a table of this type a pattern table? Unknown types count as fixed-string tables. */
export function isPatternType(type: string): boolean {
  return tableType(type)?.pattern ?? false;
}

/** Is "type:name" a pattern table? For proxy:type:name, the table proxymap opens decides. */
export function isPatternTable(spec: string): boolean {
  const { type, name } = splitSpec(spec);
  return type === 'proxy' ? isPatternTable(name) : isPatternType(type);
}

function unsupported(type: string, name: string): TableError {
  if (BERKELEY_TYPES.has(type)) {
    return new TableError(
      `${type}:${name}: Berkeley DB/dbm tables are not supported by the reference; ` +
        `Debian 12's Postfix uses lmdb (default_database_type = lmdb, see "postconf -m"): use lmdb:${name}`,
      'unsupported',
    );
  }
  return new TableError(`unsupported dictionary type: ${type} (the reference supports ${SUPPORTED_TYPES.join(', ')})`, 'unsupported');
}

export async function openTable(spec: string, opts: OpenTableOptions = {}): Promise<Table> {
  const { type, name } = splitSpec(spec.trim());
  const known = tableType(type);
  if (!known) throw unsupported(type, name);
  return known.open(name, opts);
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
