/**
 * The `postfix` target: a private instance of the installed Postfix, made for one scenario.
 *
 * Everything lives below one temporary root (config, queue, data, mailboxes, maillog); smtpd
 * listens on a free 127.0.0.1 port; chroot is off; logging goes to maillog_file through
 * postlogd. Readiness is master's "daemon started" line, never a sleep. The master's session
 * id is recorded so that a crash (kill -9) and the cleanup guarantees reach every daemon it
 * forked. Needs root (master drops to $mail_owner itself).
 */
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import type { MailConfig, SendmailResult } from '../types.ts';
import { InstanceTarget } from '../instance-target.ts';
import { parsePostqueueJson, type QueueEntry } from '../../observe/postqueue.ts';
import { MaillogFollower } from '../../observe/follow.ts';
import { instanceDirs, writeConfigDir, type InstanceDirs, type Placeholders } from '../config-dir.ts';
import { destroyRootSync, makeInstanceRoot, recordSession } from '../../util/cleanup.ts';
import { freePort } from '../../util/free-port.ts';
import { isAlive, killSession, waitGone, waitSessionGone } from '../../util/procs.ts';
import { makeQueueDirectories, MASTER_PROGRAM, SENDMAIL_PROGRAM } from '../../../reference/config/installed-postfix.ts';

const run = promisify(execFile);

export interface PostfixTargetOptions {
  /** Values for {{placeholders}} in the configuration (sink relays). */
  vars?: Placeholders;
  /** How long to wait for readiness and for events by default. */
  timeoutMs?: number;
  /**
   * Writes the config directory instead of config-dir.ts's writeConfigDir (the gate's
   * "user config" mode: the user's own files with only the test overrides).
   */
  writeConfig?: (dirs: InstanceDirs, smtpPort: number, config: MailConfig) => void;
  /** Given master's argv, the argv to run instead (e.g. master inside a private mount namespace). */
  wrapMaster?: (argv: string[]) => string[];
}

export class PostfixTarget extends InstanceTarget {
  readonly name = 'postfix' as const;
  private sid?: number;
  private readonly opts: PostfixTargetOptions;

  constructor(opts: PostfixTargetOptions = {}) {
    super(opts);
    this.opts = opts;
  }

  private writeConfig(config: MailConfig): void {
    if (this.opts.writeConfig) this.opts.writeConfig(this.need(), this.port, config);
    else writeConfigDir(this.need(), config, this.port, this.vars);
  }

  async start(config: MailConfig): Promise<void> {
    if (this.dirs) throw new Error('postfix target: already started');
    const dirs = instanceDirs(makeInstanceRoot('postfix'));
    this.dirs = dirs;
    this.port = await freePort();
    prepareQueueDir(dirs);
    this.writeConfig(config);
    this.follower = new MaillogFollower(dirs.maillog);
    this.follower.start();
    await this.startMaster();
  }

  private async startMaster(): Promise<void> {
    const dirs = this.need();
    const from = this.follower!.events().length;
    // master -w returns once the daemon has initialised; postfix-script's checks (post-install,
    // ~3 s) are skipped because prepareQueueDir() already made the directories it would make.
    try {
      const [cmd, ...argv] = this.opts.wrapMaster ? this.opts.wrapMaster([MASTER_PROGRAM, '-c', dirs.configDir, '-w']) : [MASTER_PROGRAM, '-c', dirs.configDir, '-w'];
      await run(cmd!, argv);
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      throw new Error(`postfix master failed to start: ${(e.stderr || e.message).trim()}\n${this.maillog().slice(-2000)}`);
    }
    const pid = this.masterPid();
    if (pid === undefined) throw new Error(`postfix start: no master pid file\n${this.maillog().slice(-2000)}`);
    this.sid = pid; // master runs setsid(): its pid is its session id
    recordSession(dirs.root, pid);
    await this.waitForEvent((e) => e.kind === 'daemon-started', this.timeoutMs, from);
  }

  private masterPid(): number | undefined {
    const file = join(this.need().queueDir, 'pid', 'master.pid');
    if (!existsSync(file)) return undefined;
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  }

  async reload(config?: MailConfig): Promise<void> {
    this.need();
    if (config) {
      this.writeConfig(config);
    }
    const from = this.follower!.events().length;
    const pid = this.masterPid();
    if (pid === undefined || !isAlive(pid)) throw new Error('postfix target: reload while not running');
    process.kill(pid, 'SIGHUP'); // what postfix reload does after its checks

    await this.waitForEvent((e) => e.kind === 'daemon-reloaded', this.timeoutMs, from);
  }

  async stop(): Promise<void> {
    if (!this.dirs || this.sid === undefined) return;
    const pid = this.masterPid();
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGTERM');
    // master passes SIGTERM on to its process group; wait for every member, even a late child.
    await waitSessionGone(this.sid, this.timeoutMs, 'postfix processes after SIGTERM');
    recordSession(this.dirs.root, undefined);
    this.sid = undefined;
  }

  async crash(): Promise<void> {
    if (!this.dirs || this.sid === undefined) return;
    const killed = killSession(this.sid);
    await waitGone(killed, this.timeoutMs, 'postfix processes after kill -9');
    recordSession(this.dirs.root, undefined);
    this.sid = undefined;
  }

  async restart(): Promise<void> {
    if (this.sid !== undefined) await this.stop();
    await this.startMaster();
  }

  async dispose(): Promise<void> {
    if (!this.dirs) return;
    try {
      if (this.sid !== undefined) await this.crashQuietly();
    } finally {
      this.follower?.stop();
      destroyRootSync(this.dirs.root);
      this.dirs = undefined;
    }
  }

  private async crashQuietly(): Promise<void> {
    try {
      await this.stop();
    } catch {
      await this.crash();
    }
  }

  async queue(): Promise<QueueEntry[]> {
    const { stdout } = await run('postqueue', ['-c', this.configDir, '-j']);
    return parsePostqueueJson(stdout);
  }

  async flush(): Promise<void> {
    await run('postqueue', ['-c', this.configDir, '-f']);
  }

  sendmail(args: string[], message: string): Promise<SendmailResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(SENDMAIL_PROGRAM, ['-C', this.configDir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      // sendmail may exit before reading its input (a usage error): that is its answer, not ours.
      child.stdin.on('error', () => undefined);
      child.stdin.end(message);
    });
  }

}

/** The queue, data and mail directories of an instance, as post-install would make them. */
function prepareQueueDir(dirs: InstanceDirs): void {
  makeQueueDirectories(dirs.queueDir, dirs.dataDir);
  mkdirSync(dirs.mailDir, { recursive: true, mode: 0o755 });
}
