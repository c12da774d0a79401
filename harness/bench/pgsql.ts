/**
 * A private PostgreSQL cluster for the pgsql: table benchmarks: initdb into a temporary
 * directory (as the postgres user, trust authentication), a server that listens only on a Unix
 * socket in that directory (no TCP), one database with one key/value table, and the
 * pgsql_table(5) file that points Postfix's pgsql: client at it. stop() shuts the server down
 * and removes everything; the harness's cleanup layer kills the server's session if the run is
 * interrupted. Needs root (the server runs as postgres) and Debian's postgresql package.
 */
import { chownSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { destroyRootSync, makeInstanceRoot, recordSession } from '../util/cleanup.ts';

const run = promisify(execFile);

export interface PgCluster {
  root: string;
  /** Directory holding the server's socket (.s.PGSQL.5432). */
  socketDir: string;
  database: string;
  /** Run SQL as the postgres superuser in `database`; returns psql's unaligned output. */
  sql(text: string): Promise<string>;
  /**
   * Write a pgsql_table(5) file answering `query` (with %s for the key) and return its path.
   * The file is readable by Postfix's unprivileged daemons.
   */
  writeTableCf(name: string, query: string): string;
  stop(): Promise<void>;
}

function pgBin(tool: string): string {
  const base = '/usr/lib/postgresql';
  const versions = readdirSync(base).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  if (versions.length === 0) throw new Error(`no PostgreSQL server under ${base} (apt-get install postgresql)`);
  return join(base, versions[0]!, 'bin', tool);
}

function asPostgres(cmd: string, args: string[]) {
  return run('runuser', ['-u', 'postgres', '--', cmd, ...args], { maxBuffer: 64 << 20 });
}

/** The session of the server (pg_ctl starts it in a session of its own). */
function serverSession(dataDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
}

export async function startPgCluster(database = 'twinpost'): Promise<PgCluster> {
  const root = makeInstanceRoot('pgsql');
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'sock');
  const log = join(root, 'server.log');
  const pgUser = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'))?.split(':');
  if (!pgUser) throw new Error('no postgres user (apt-get install postgresql)');
  const [uid, gid] = [Number(pgUser[2]), Number(pgUser[3])];
  let started = false;
  const stop = async () => {
    try {
      if (started) await asPostgres(pgBin('pg_ctl'), ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    } finally {
      started = false;
      destroyRootSync(root);
    }
  };
  const sql = async (text: string) =>
    (await asPostgres('psql', ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-h', socketDir, '-U', 'postgres', '-d', database, '-c', text])).stdout;
  try {
    for (const d of [dataDir, socketDir]) {
      mkdirSync(d, { mode: 0o755 });
      chownSync(d, uid, gid);
    }
    chownSync(root, uid, gid);
    await asPostgres(pgBin('initdb'), ['-D', dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync', '--no-instructions', '-E', 'UTF8', '--locale=C']);
    writeFileSync(log, '');
    chownSync(log, uid, gid);
    const serverOpts = `-k ${socketDir} -c listen_addresses= -c fsync=off -c synchronous_commit=off`;
    await asPostgres(pgBin('pg_ctl'), ['-D', dataDir, '-l', log, '-w', '-t', '30', '-o', serverOpts, 'start']);
    started = true;
    recordSession(root, serverSession(dataDir));
    await asPostgres('psql', ['-X', '-q', '-h', socketDir, '-U', 'postgres', '-d', 'postgres', '-c', `CREATE DATABASE ${database}`]);
  } catch (e) {
    await stop().catch(() => {});
    throw new Error(`private PostgreSQL failed to start: ${(e as Error).message}\n${safeRead(log).slice(-1500)}`);
  }
  return {
    root,
    socketDir,
    database,
    sql,
    writeTableCf(name, query) {
      const file = join(root, name);
      const text = [`hosts = unix:${socketDir}`, 'user = postgres', 'password = unused', `dbname = ${database}`, `query = ${query}`, ''];
      writeFileSync(file, text.join('\n'), { mode: 0o644 });
      return file;
    },
    stop,
  };
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
