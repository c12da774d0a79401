import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { startPgCluster, type PgCluster } from './pgsql.ts';

describe('private PostgreSQL cluster', () => {
  let pg: PgCluster | undefined;
  afterEach(async () => {
    await pg?.stop();
    pg = undefined;
  });

  it('serves a table that real postmap -q reads through pgsql:', async () => {
    pg = await startPgCluster();
    await pg.sql("CREATE TABLE transport (k text PRIMARY KEY, v text); INSERT INTO transport VALUES ('example.org', 'smtp:[127.0.0.1]:2525')");
    const cf = pg.writeTableCf('transport.cf', "SELECT v FROM transport WHERE k='%s'");
    expect(execFileSync('postmap', ['-q', 'example.org', `pgsql:${cf}`], { encoding: 'utf8' }).trim()).toBe('smtp:[127.0.0.1]:2525');
    const root = pg.root;
    await pg.stop();
    pg = undefined;
    expect(existsSync(root)).toBe(false);
  });
});
