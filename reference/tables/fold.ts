/**
 * Key handling shared by the fixed-string tables (inline, texthash, lmdb, pgsql, unix): keys
 * lowercased as Postfix's lowercase() does (DICT_FLAG_FOLD_FIX; reference/global/case-fold.ts),
 * and a read of a table source file that fails with a clear error.
 */
import { readFileSync } from 'node:fs';
import { lowercase } from '../global/case-fold.ts';
import { TableError } from './types.ts';

/** The key a fixed-string table looks up: lowercased unless the table was opened without folding. */
export function foldKey(key: string, fold: boolean): string {
  return fold ? lowercase(key) : key;
}

/**
 * Read a table's source file. A missing file is an "open" TableError worded as postmap's fatal
 * error: "open database PATH: ..." for texthash, "open PATH: ..." for regexp, pcre and cidr.
 */
export function readTableFile(path: string, database: boolean): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (err) {
    throw new TableError(`open ${database ? 'database ' : ''}${path}: ${describeIoError(err)}`, 'open');
  }
}

export function describeIoError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'No such file or directory';
  if (code === 'EACCES') return 'Permission denied';
  return (err as Error).message;
}
