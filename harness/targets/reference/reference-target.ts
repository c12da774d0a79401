/**
 * The `reference` target: the reference MTA (reference/mta.ts) run from the same kind of
 * configuration directory as the `postfix` target (harness/targets/config-dir.ts).
 *
 * One child process per instance (`node --import tsx reference/mta.ts -c DIR start-fg`, its
 * own process session so crash() and the cleanup guarantees reach it). Readiness is master's
 * "daemon started" line in the maillog, reload waits for "reload --". The queue snapshot comes
 * from the reference's showq over the instance's queue directory; flush() is SIGUSR1 to the
 * MTA (its qmgr flush). Everything lives below one temporary root, removed by dispose().
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MailConfig, SendmailResult } from '../types.ts';
import { InstanceTarget } from '../instance-target.ts';
import type { QueueEntry } from '../../observe/postqueue.ts';
import { MaillogFollower } from '../../observe/follow.ts';
import { instanceDirs, writeConfigDir, type Placeholders } from '../config-dir.ts';
import { destroyRootSync, makeInstanceRoot, recordSession } from '../../util/cleanup.ts';
import { freePort } from '../../util/free-port.ts';
import { isAlive, killSession, waitGone } from '../../util/procs.ts';
import { QueueLayout } from '../../../reference/queue/layout.ts';
import { loadMainCf } from '../../../reference/config/index.ts';
import { showq } from '../../../reference/services/showq/showq.ts';
import { sendmailCommand } from '../../../reference/commands/sendmail.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const MTA = join(REPO, 'reference', 'mta.ts');

export interface ReferenceTargetOptions {
  vars?: Placeholders;
  timeoutMs?: number;
}

export class ReferenceTarget extends InstanceTarget {
  readonly name = 'reference' as const;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private stderr = '';

  async start(config: MailConfig): Promise<void> {
    if (this.dirs) throw new Error('reference target: already started');
    const dirs = instanceDirs(makeInstanceRoot('reference'));
    this.dirs = dirs;
    this.port = await freePort();
    for (const d of [dirs.queueDir, dirs.dataDir, dirs.mailDir]) mkdirSync(d, { recursive: true });
    chmodSync(dirs.mailDir, 0o755);
    writeConfigDir(dirs, config, this.port, this.vars);
    this.follower = new MaillogFollower(dirs.maillog);
    this.follower.start();
    await this.startMta();
  }

  private async startMta(): Promise<void> {
    const dirs = this.need();
    const from = this.follower!.events().length;
    this.stderr = '';
    const child = spawn(process.execPath, ['--import', 'tsx', MTA, '-c', dirs.configDir, 'start-fg'], {
      cwd: REPO, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout!.on('data', () => undefined);
    child.stderr!.on('data', (d) => (this.stderr = (this.stderr + d).slice(-4000)));
    this.exited = new Promise((res) => child.once('exit', () => res()));
    if (child.pid !== undefined) recordSession(dirs.root, child.pid); // detached: pid = session id
    const failed = this.exited.then(() => {
      throw new Error(`reference MTA exited during start-up: ${this.stderr.trim()}\n${this.maillog().slice(-2000)}`);
    });
    await Promise.race([this.waitForEvent((e) => e.kind === 'daemon-started', this.timeoutMs, from), failed]);
    failed.catch(() => undefined);
  }

  private running(): ChildProcess | undefined {
    const c = this.child;
    return c && c.exitCode === null && c.signalCode === null ? c : undefined;
  }

  async reload(config?: MailConfig): Promise<void> {
    const dirs = this.need();
    if (config) writeConfigDir(dirs, config, this.port, this.vars);
    const child = this.running();
    if (!child) throw new Error('reference target: reload while not running');
    const from = this.follower!.events().length;
    child.kill('SIGHUP');
    await this.waitForEvent((e) => e.kind === 'daemon-reloaded', this.timeoutMs, from);
  }

  async stop(): Promise<void> {
    const child = this.running();
    if (child) {
      child.kill('SIGTERM');
      await this.waitExit('the reference MTA after SIGTERM');
    }
    this.forget();
  }

  async crash(): Promise<void> {
    const child = this.running();
    if (child?.pid !== undefined) {
      const killed = killSession(child.pid);
      await waitGone(killed, this.timeoutMs, 'reference MTA processes after kill -9');
      await this.waitExit('the reference MTA after kill -9');
    }
    this.forget();
  }

  private async waitExit(what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.exited,
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), this.timeoutMs))),
    ]).finally(() => clearTimeout(timer));
  }

  private forget(): void {
    if (this.dirs) recordSession(this.dirs.root, undefined);
    this.child = undefined;
  }

  async restart(): Promise<void> {
    if (this.running()) await this.stop();
    await this.startMta();
  }

  async dispose(): Promise<void> {
    if (!this.dirs) return;
    try {
      if (this.running()) {
        try {
          await this.stop();
        } catch {
          await this.crash();
        }
      }
    } finally {
      const pid = this.child?.pid;
      if (pid !== undefined && isAlive(pid)) killSession(pid);
      this.follower?.stop();
      destroyRootSync(this.dirs.root);
      this.dirs = undefined;
    }
  }

  async queue(): Promise<QueueEntry[]> {
    const cfg = loadMainCf(this.configDir);
    const layout = new QueueLayout(this.queueDir, { hashQueueNames: cfg.list('hash_queue_names'), hashQueueDepth: cfg.int('hash_queue_depth') });
    return showq(layout, cfg.get('empty_address_recipient'));
  }

  async flush(): Promise<void> {
    const child = this.running();
    if (!child) throw new Error('reference target: flush while not running');
    child.kill('SIGUSR1');
  }

  /** Local submission: the reference sendmail writes maildrop/ and pokes the MTA's pickup. */
  async sendmail(args: string[], message: string): Promise<SendmailResult> {
    // The message's text as UTF-8 bytes, as the other targets write it to sendmail's input.
    return sendmailCommand(['-C', this.configDir, ...args], { stdin: Buffer.from(message, 'utf8') });
  }

}
