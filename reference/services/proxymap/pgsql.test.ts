/** pgsql: tables: configuration, query expansion, and lookups against a real private PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandQuery, openPgsql, parsePgsqlCf } from './pgsql.ts';
import { startPostgres, type PrivatePostgres } from '../../../harness/pg/index.ts';

describe('pgsql table configuration', () => {
  it('reads the .cf and expands %s %u %d %% with SQL quoting', () => {
    const cfg = parsePgsqlCf('# comment\nhosts = inet:127.0.0.1:5432 unix:/run/pg\nuser = u\npassword = p\ndbname = d\nquery = SELECT x FROM t WHERE a = \'%s\'\n');
    expect(cfg).toEqual({ hosts: ['inet:127.0.0.1:5432', 'unix:/run/pg'], user: 'u', password: 'p', dbname: 'd', query: "SELECT x FROM t WHERE a = '%s'" });
    expect(expandQuery("'%s' '%u' '%d' 100%%", "o'neil@example.net")).toBe("'o''neil@example.net' 'o''neil' 'example.net' 100%");
  });
});

describe('pgsql lookups', () => {
  let pg: PrivatePostgres;
  let dir: string;
  beforeAll(async () => {
    pg = await startPostgres();
    await pg.sql("CREATE TABLE v (k text, v text); INSERT INTO v VALUES ('a@example.net', 'one'), ('a@example.net', 'two'), ('b@example.net', 'three');");
    dir = mkdtempSync(join(tmpdir(), 'twinpost-pgsqlcf-'));
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds rows (several joined with ", "), misses, and fails on a bad host', async () => {
    const cf = join(dir, 'v.cf');
    writeFileSync(cf, `hosts = inet:127.0.0.1:${pg.port}\nuser = postgres\npassword =\ndbname = postgres\nquery = SELECT v FROM v WHERE k = '%s' ORDER BY v\n`);
    const t = openPgsql(cf);
    expect(await t.lookup('a@example.net')).toBe('one, two');
    expect(await t.lookup('b@example.net')).toBe('three');
    expect(await t.lookup("x'@example.net")).toBeNull();
    writeFileSync(cf, `hosts = inet:127.0.0.1:1\nuser = postgres\ndbname = postgres\nquery = SELECT 1\n`);
    await expect(openPgsql(cf).lookup('k')).rejects.toThrow(/pgsql:/);
  });
});
