/**
 * The private PostgreSQL really starts, answers SQL over TCP and its Unix socket, and leaves
 * no process or directory behind after stop().
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { startPostgres, postgresBinDir, type PrivatePostgres } from './index.ts';
import { isAlive } from '../util/procs.ts';

let pg: PrivatePostgres | undefined;
afterEach(async () => {
  await pg?.stop();
  pg = undefined;
});

describe('private PostgreSQL', () => {
  it('starts, runs SQL, and is gone after stop', async () => {
    pg = await startPostgres();
    await pg.sql("CREATE TABLE t (k text PRIMARY KEY, v text); INSERT INTO t VALUES ('a', 'b');");
    expect((await pg.sql("SELECT v FROM t WHERE k = 'a'")).trim()).toBe('b');
    const viaSocket = execFileSync(join(postgresBinDir(), 'psql'), ['-X', '-A', '-t', '-h', pg.socketDir, '-p', String(pg.port), '-U', 'postgres', '-c', 'SELECT count(*) FROM t'], { encoding: 'utf8' });
    expect(viaSocket.trim()).toBe('1');
    const dir = pg.socketDir;
    const pid = Number(execFileSync('head', ['-1', join(dir, 'postmaster.pid')], { encoding: 'utf8' }).trim());
    expect(isAlive(pid)).toBe(true);
    await pg.stop();
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(dir)).toBe(false);
  }, 60_000);
});
