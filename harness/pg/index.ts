/**
 * A private PostgreSQL for tests: initdb into a fresh temporary directory (as the postgres
 * user, trust authentication), a postmaster on a free 127.0.0.1 port with its Unix socket in
 * the same directory, an SQL script to load, and a stop that leaves nothing behind.
 *
 * The server runs in its own session (spawned detached, so its pid is the session id) and is
 * registered with harness/util/cleanup.ts: if the harness dies or is interrupted, the exit
 * handlers and the next run's reapStale() kill it and delete its directory. Readiness is the
 * server's own "ready to accept connections" log line, never a sleep.
 *
 * Used by scenarios with a `postgres` section (proxy:pgsql: tables, pgsql_table(5)).
 */
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { destroyRootSync, makeInstanceRoot, recordSession } from '../util/cleanup.ts';
import { freePort } from '../util/free-port.ts';
import { isAlive, killSession, waitGone } from '../util/procs.ts';

const run = promisify(execFile);

export interface PrivatePostgres {
  readonly host: string;
  readonly port: number;
  /** Directory holding the server's Unix socket (.s.PGSQL.<port>). */
  readonly socketDir: string;
  readonly user: string;
  readonly dbname: string;
  /** Run SQL through psql; resolves with psql's stdout (unaligned, tuples only). */
  sql(text: string): Promise<string>;
  /** Fast shutdown, then remove the data directory. Safe to call more than once. */
  stop(): Promise<void>;
}

/** The newest installed PostgreSQL's binaries (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) throw new Error('PostgreSQL is not installed (npm test installs postgresql as root)');
  const majors = readdirSync(base)
    .filter((d) => existsSync(join(base, d, 'bin', 'postgres')))
    .map(Number)
    .filter((n) => n > 0)
    .sort((a, b) => b - a);
  if (!majors.length) throw new Error(`no PostgreSQL server under ${base}`);
  return join(base, String(majors[0]), 'bin');
}

function userIds(name: string): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`the ${name} user does not exist: is PostgreSQL installed?`);
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/** Start a private server; `timeoutMs` bounds initdb plus startup. */
export async function startPostgres(opts: { timeoutMs?: number } = {}): Promise<PrivatePostgres> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const bin = postgresBinDir();
  const ids = userIds('postgres');
  const root = makeInstanceRoot('pg');
  let child: ChildProcess | undefined;
  try {
    const data = join(root, 'data');
    mkdirSync(data, { mode: 0o700 });
    chownSync(data, ids.uid, ids.gid);
    await run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], {
      uid: ids.uid,
      gid: ids.gid,
      cwd: root,
      timeout: timeoutMs,
    });
    const port = await freePort();
    const args = ['-D', data, '-p', String(port), '-k', data, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'logging_collector=off'];
    child = spawn(join(bin, 'postgres'), args, { uid: ids.uid, gid: ids.gid, cwd: root, detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
    recordSession(root, child.pid);
    await readyLine(child, timeoutMs);
    return makeHandle(root, data, port, child);
  } catch (err) {
    if (child?.pid) killSession(child.pid);
    destroyRootSync(root);
    throw err;
  }
}

function readyLine(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let log = '';
    const timer = setTimeout(() => done(new Error(`postgres not ready after ${timeoutMs} ms:\n${log}`)), timeoutMs);
    const onData = (d: Buffer) => {
      log += d.toString();
      if (/database system is ready to accept connections/.test(log)) done();
    };
    const onExit = (code: number | null) => done(new Error(`postgres exited (${code}) before it was ready:\n${log}`));
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.stderr?.resume(); // keep draining so the server never blocks on a full pipe
      if (err) reject(err);
      else resolve();
    };
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
  });
}

function makeHandle(root: string, data: string, port: number, child: ChildProcess): PrivatePostgres {
  let stopped = false;
  const psqlBin = join(postgresBinDir(), 'psql');
  return {
    host: '127.0.0.1',
    port,
    socketDir: data,
    user: 'postgres',
    dbname: 'postgres',
    async sql(text: string): Promise<string> {
      const { stdout } = await run(psqlBin, ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', 'postgres', '-c', text]);
      return stdout;
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      try {
        const pid = child.pid;
        if (pid !== undefined && isAlive(pid)) {
          process.kill(pid, 'SIGINT'); // fast shutdown
          await waitGone([pid], 15_000, 'postgres after SIGINT').catch(() => killSession(pid));
        }
      } finally {
        recordSession(root, undefined);
        destroyRootSync(root);
      }
    },
  };
}
