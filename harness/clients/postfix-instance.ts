/**
 * A minimal private instance of the installed Postfix for the client tests: its own config,
 * queue and data directories below one temp root, chroot off, no smtpd, logging to a file.
 * Ready when master logs "daemon started" (the file is polled with a timeout, no fixed sleeps);
 * stop() stops master and removes the root. Needs root.
 * (harness/targets/postfix has the full target; this is only what private/rewrite tests need.)
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { makeQueueDirectories, metaParameters, stockMasterCf, writeMetaFiles } from '../../reference/config/installed-postfix.ts';

const run = promisify(execFile);

export interface PostfixInstance {
  root: string;
  configDir: string;
  queueDir: string;
  /** $queue_directory/private/<name> */
  privateSocket(name: string): string;
  /** Rewrite main.cf with more parameters and `postfix reload`; resolves once the new daemons serve. */
  reconfigure(params: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

async function waitFor(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function mainCf(root: string, params: Record<string, string>): string {
  const base: Record<string, string> = {
    compatibility_level: '3.6',
    ...metaParameters(join(root, 'etc')),
    queue_directory: join(root, 'spool'),
    data_directory: join(root, 'data'),
    maillog_file: join(root, 'maillog'),
    maillog_file_prefixes: '/tmp,/var',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    myhostname: 'host.example.com',
    mydomain: 'example.com',
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
  };
  return Object.entries({ ...base, ...params }).map(([k, v]) => `${k} = ${v}\n`).join('');
}

export async function startPostfixInstance(params: Record<string, string> = {}, timeoutMs = 20_000): Promise<PostfixInstance> {
  if (userInfo().uid !== 0) throw new Error('a private Postfix instance needs root');
  const root = mkdtempSync('/tmp/twinpost-pf-');
  chmodSync(root, 0o755);
  const configDir = join(root, 'etc');
  const queueDir = join(root, 'spool');
  const dataDir = join(root, 'data');
  const maillog = join(root, 'maillog');
  const stop = async () => {
    try {
      if (existsSync(join(queueDir, 'pid', 'master.pid'))) await run('postfix', ['-c', configDir, 'stop']);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  };
  try {
    mkdirSync(configDir);
    makeQueueDirectories(queueDir, dataDir, { forPostfixStart: true });
    writeFileSync(join(configDir, 'master.cf'), stockMasterCf());
    writeFileSync(join(configDir, 'main.cf'), mainCf(root, params));
    writeMetaFiles(configDir);
    execFileSync('postconf', ['-c', configDir, '-F', '-e', '*/*/chroot=n']);
    execFileSync('postconf', ['-c', configDir, '-M#', 'smtp/inet']);
    await run('postfix', ['-c', configDir, 'start']);
    await waitFor('Postfix master "daemon started"', () => existsSync(maillog) && readFileSync(maillog, 'utf8').includes('daemon started'), timeoutMs);
  } catch (e) {
    await stop().catch(() => {});
    throw e;
  }
  let current = params;
  return {
    root,
    configDir,
    queueDir,
    privateSocket: (name) => join(queueDir, 'private', name),
    async reconfigure(more) {
      current = { ...current, ...more };
      writeFileSync(join(configDir, 'main.cf'), mainCf(root, current));
      const before = readFileSync(maillog, 'utf8').split('reload -- version').length;
      await run('postfix', ['-c', configDir, 'reload']);
      await waitFor('master "reload"', () => readFileSync(maillog, 'utf8').split('reload -- version').length > before, timeoutMs);
    },
    stop,
  };
}
