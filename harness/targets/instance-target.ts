/**
 * What every target that runs one mail-system instance below a temporary root has in common:
 * the instance's directories and smtpd port, the maillog follower (events, waits, raw log),
 * and mailbox reading. Each target (postfix, reference, container) extends it with how it
 * starts, stops, crashes and asks its queue.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Endpoint, MailConfig, SendmailResult, Target, TargetName } from './types.ts';
import type { MaillogEvent } from '../observe/events.ts';
import type { QueueEntry } from '../observe/postqueue.ts';
import type { MaillogFollower } from '../observe/follow.ts';
import type { InstanceDirs, Placeholders } from './config-dir.ts';

export abstract class InstanceTarget implements Target {
  abstract readonly name: TargetName;
  protected dirs?: InstanceDirs;
  protected port = 0;
  protected follower?: MaillogFollower;
  protected readonly vars: Placeholders;
  protected readonly timeoutMs: number;

  constructor(opts: { vars?: Placeholders; timeoutMs?: number } = {}) {
    this.vars = opts.vars ?? {};
    this.timeoutMs = opts.timeoutMs ?? 20_000;
  }

  get smtp(): Endpoint {
    return { host: '127.0.0.1', port: this.port };
  }
  get configDir(): string {
    return this.need().configDir;
  }
  get queueDir(): string {
    return this.need().queueDir;
  }
  get mailDir(): string {
    return this.need().mailDir;
  }
  /** The instance root (for tests of the cleanup guarantee). */
  get root(): string | undefined {
    return this.dirs?.root;
  }

  protected need(): InstanceDirs {
    if (!this.dirs) throw new Error(`${this.name} target: not started`);
    return this.dirs;
  }

  events(): MaillogEvent[] {
    return this.follower?.events() ?? [];
  }

  waitForEvent(pred: (e: MaillogEvent) => boolean, timeoutMs = this.timeoutMs, fromIndex = 0): Promise<MaillogEvent> {
    if (!this.follower) return Promise.reject(new Error(`${this.name} target: not started`));
    return this.follower.waitFor(pred, timeoutMs, fromIndex);
  }

  maillog(): string {
    return this.follower?.raw() ?? '';
  }

  async mailbox(user: string): Promise<string> {
    try {
      return readFileSync(join(this.mailDir, user), 'utf8');
    } catch {
      return '';
    }
  }

  abstract start(config: MailConfig): Promise<void>;
  abstract reload(config?: MailConfig): Promise<void>;
  abstract stop(): Promise<void>;
  abstract crash(): Promise<void>;
  abstract restart(): Promise<void>;
  abstract dispose(): Promise<void>;
  abstract queue(): Promise<QueueEntry[]>;
  abstract flush(): Promise<void>;
  abstract sendmail(args: string[], message: string): Promise<SendmailResult>;
}
