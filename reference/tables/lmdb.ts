/**
 * lmdb:/path tables: reads /path.lmdb as written by the REAL postmap(1) / postalias(1)
 * (lmdb_table(5)). Debian's Postfix stores each key and value with a trailing NUL (LMDB data
 * format 1); a lookup tries "key\0" first and then "key" (as dict_lmdb's TRY1NULL/TRY0NULL),
 * after lowercasing the key unless foldCase is false. As in dict_lmdb, the first key found
 * settles which form the table uses, and later lookups try only that one. The file is opened read-only per lookup
 * batch through the `lmdb` package (built from source with use_data_v1, see .npmrc).
 */
import { existsSync } from 'node:fs';
import { open, type Database } from 'lmdb';
import { foldKey } from './fold.ts';
import { TableError, type Table } from './types.ts';

export function openLmdb(path: string, fold: boolean): Table {
  const file = `${path}.lmdb`;
  if (!existsSync(file)) throw new TableError(`open database ${file}: No such file or directory`, 'open');
  let db: Database<Buffer, Buffer>;
  try {
    db = open<Buffer, Buffer>({ path: file, noSubdir: true, readOnly: true, keyEncoding: 'binary', encoding: 'binary' });
  } catch (err) {
    throw new TableError(`open database ${file}: ${(err as Error).message}`, 'open');
  }
  // The value comes back in lmdb's shared buffer and is copied out (as text) at once; keys are
  // written into one reused buffer.
  const get = (key: Buffer): Buffer | undefined => db.getBinaryFast(key) ?? undefined;
  let keyBuf = Buffer.alloc(256);
  let tryWithNul = true;
  let tryWithout = true;
  const lookupNow = (key: string): string | null => {
    const folded = foldKey(key, fold);
    if (folded.length === 0) return null;
    if (folded.length + 1 > keyBuf.length) keyBuf = Buffer.alloc(2 * (folded.length + 1));
    const n = keyBuf.write(folded, 0, 'latin1');
    keyBuf[n] = 0;
    let value: Buffer | undefined;
    try {
      if (tryWithNul) {
        value = get(keyBuf.subarray(0, n + 1));
        if (value !== undefined) tryWithout = false;
      }
      if (value === undefined && tryWithout) {
        value = get(keyBuf.subarray(0, n));
        if (value !== undefined) tryWithNul = false;
      }
    } catch (err) {
      throw new TableError(`error reading ${file}: ${(err as Error).message}`, 'lookup');
    }
    if (value === undefined) return null;
    const end = value.length > 0 && value[value.length - 1] === 0 ? value.length - 1 : value.length;
    return value.toString('latin1', 0, end);
  };
  return {
    type: 'lmdb',
    name: path,
    warnings: [],
    lookupNow,
    lookup: async (key) => lookupNow(key),
    async close(): Promise<void> {
      await db.close();
    },
  };
}
