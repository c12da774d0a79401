/**
 * Test helper: a private, throw-away instance of the REAL installed Postfix, used by the queue,
 * showq and bounce tests to produce queue files, defer logs and `postqueue -j` output to compare
 * the reference against. It follows the recipe in the task notes: own config/queue/data dirs,
 * chroot off, smtpd on 127.0.0.1:<free port>, maillog_file inside the instance directory.
 * Needs root. stop() stops the instance and removes every file it made.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.ts';
import { makeQueueDirectories, metaParameters, stockMasterCf, writeMetaFiles } from '../../reference/config/installed-postfix.ts';

const run = promisify(execFile);

/** Wait until `check` returns a value (polled every 50 ms), or fail after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface RealPostfix {
  dir: string;
  etcDir: string;
  queueDir: string;
  smtpPort: number;
  maillog(): Promise<string>;
  /** Wait for a maillog line matching `re`; returns the match. */
  waitForLog(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  postqueue(...args: string[]): Promise<string>;
  postcat(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startRealPostfix(extraMain: Record<string, string> = {}): Promise<RealPostfix> {
  const dir = await mkdtemp(join(tmpdir(), 'twinpost-e-real-'));
  await chmod(dir, 0o755);
  const etcDir = join(dir, 'etc');
  const queueDir = join(dir, 'spool');
  const smtpPort = await freePort();
  const deadPort = await freePort();
  let started = false;
  const stop = async () => {
    if (started) await run('postfix', ['-c', etcDir, 'stop']).catch(() => undefined); // best effort: the directory goes anyway
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await mkdir(etcDir);
    makeQueueDirectories(queueDir, join(dir, 'data'), { forPostfixStart: true });
    await mkdir(join(dir, 'mail'), { mode: 0o1777 });
    const master = stockMasterCf()
      .replace(/^smtp +inet.*$/m, `127.0.0.1:${smtpPort} inet n - n - - smtpd`);
    await writeFile(join(etcDir, 'master.cf'), master);
    writeMetaFiles(etcDir);
    const main: Record<string, string> = {
      compatibility_level: '3.6', ...metaParameters(etcDir), queue_directory: queueDir, data_directory: join(dir, 'data'),
      maillog_file: join(dir, 'maillog'), maillog_file_prefixes: '/tmp,/var', inet_interfaces: '127.0.0.1',
      inet_protocols: 'ipv4', myhostname: 'mx.twinpost.test', mydestination: '$myhostname localhost',
      mynetworks: '127.0.0.0/8', mail_spool_directory: join(dir, 'mail'), alias_maps: '', alias_database: '',
      // Nothing listens here: remote mail is deferred with "Connection refused".
      relayhost: `[127.0.0.1]:${deadPort}`,
      ...extraMain,
    };
    await writeFile(join(etcDir, 'main.cf'), Object.entries(main).map(([k, v]) => `${k} = ${v}\n`).join(''));
    await run('postconf', ['-c', etcDir, '-F', '-e', '*/*/chroot=n']);
    await run('postfix', ['-c', etcDir, 'start']);
    started = true;
  } catch (err) {
    await stop();
    throw err;
  }
  const maillog = () => readFile(join(dir, 'maillog'), 'utf8').catch(() => ''); // not written yet
  return {
    dir, etcDir, queueDir, smtpPort, maillog, stop,
    waitForLog: (re, timeoutMs) => waitFor(`maillog ${re}`, async () => (await maillog()).match(re) ?? undefined, timeoutMs),
    postqueue: async (...args) => (await run('postqueue', ['-c', etcDir, ...args])).stdout,
    postcat: async (...args) => (await run('postcat', ['-c', etcDir, ...args])).stdout,
  };
}

/** Submit one message over SMTP with swaks; returns the queue ID from the 250 reply. */
export async function swaksSend(port: number, from: string, to: string[], extra: string[] = []): Promise<string> {
  const { stdout } = await run('swaks', ['--server', `127.0.0.1:${port}`, '--from', from, '--to', to.join(','), ...extra]);
  const m = stdout.match(/queued as ([0-9A-Za-z]+)/);
  if (!m) throw new Error(`swaks: no queue ID in\n${stdout}`);
  return m[1];
}
