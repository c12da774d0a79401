/**
 * Key handling shared by the fixed-string tables (inline, texthash, lmdb): ASCII lowercasing as
 * Postfix's lowercase() does, and a read of a table source file that fails with a clear error.
 */
import { readFileSync } from 'node:fs';
import { TableError } from './types.ts';

export function foldKey(key: string, fold: boolean): string {
  return fold && /[A-Z]/.test(key) ? key.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : key;
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
