/**
 * The transport_maps variants the rewrite benchmark runs under: unset, lmdb:, texthash:,
 * proxy:lmdb: and pgsql: — all holding the same generated table (domain → smtp:[nexthop]:port)
 * — plus the address stream the requests use. Half of the addresses hit a table entry, half
 * miss (and fall through to the default transport); every request uses a different address,
 * so the client's one-entry cache never answers.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { PrivatePostgres } from '../pg/index.ts';
import { configArgs } from '../../reference/config/installed-postfix.ts';

export type TableKind = 'none' | 'lmdb' | 'texthash' | 'proxy:lmdb' | 'pgsql';
export const TABLE_KINDS: TableKind[] = ['none', 'lmdb', 'texthash', 'proxy:lmdb', 'pgsql'];

export const BENCH_DOMAIN_SUFFIX = 'bench.test';

/** The table's entries, in "key value" form. */
export function transportEntries(domains: number): [string, string][] {
  return Array.from({ length: domains }, (_, i) => [`d${i}.${BENCH_DOMAIN_SUFFIX}`, `smtp:[192.0.2.${1 + (i % 254)}]:${2000 + i}`]);
}

/** The n-th recipient address of the stream (deterministic, never repeating consecutively). */
export function benchAddress(n: number, domains: number): string {
  const d = (n * 7919) % (2 * domains); // d ≥ domains: not in the table
  return `u${n}@d${d}.${BENCH_DOMAIN_SUFFIX}`;
}

/** Write the table files for every kind into `dir`; returns the transport_maps value per kind. */
export async function buildTransportTables(dir: string, domains: number, pg?: PrivatePostgres): Promise<Record<TableKind, string>> {
  const entries = transportEntries(domains);
  const text = entries.map(([k, v]) => `${k} ${v}`).join('\n') + '\n';
  const file = join(dir, 'transport');
  writeFileSync(file, text, { mode: 0o644 });
  execFileSync('postmap', [...configArgs(), `lmdb:${file}`], { stdio: 'pipe' });
  let pgsql = '';
  if (pg) {
    // The same rows as transportEntries(), generated server-side (a VALUES list of thousands
    // of rows would exceed the argument size limit of psql -c).
    await pg.sql(
      'CREATE TABLE transport (k text PRIMARY KEY, v text NOT NULL); ' +
        `INSERT INTO transport SELECT 'd' || i || '.${BENCH_DOMAIN_SUFFIX}', 'smtp:[192.0.2.' || (1 + i % 254) || ']:' || (2000 + i) FROM generate_series(0, ${domains - 1}) AS i`,
    );
    const check = (await pg.sql(`SELECT v FROM transport WHERE k = '${entries[domains - 1]![0]}'`)).trim();
    if (check !== entries[domains - 1]![1]) throw new Error(`pgsql transport table: expected ${entries[domains - 1]![1]}, got ${check}`);
    const cf = join(dir, 'transport-pgsql.cf');
    const settings = [`hosts = inet:${pg.host}:${pg.port}`, `user = ${pg.user}`, 'password = unused', `dbname = ${pg.dbname}`];
    writeFileSync(cf, [...settings, "query = SELECT v FROM transport WHERE k='%s'", ''].join('\n'), { mode: 0o644 });
    pgsql = `pgsql:${cf}`;
  }
  return { none: '', lmdb: `lmdb:${file}`, texthash: `texthash:${file}`, 'proxy:lmdb': `proxy:lmdb:${file}`, pgsql };
}
