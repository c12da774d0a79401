/**
 * The queue directory layout under $queue_directory (postfix-files, mail_queue.h):
 * maildrop incoming active deferred hold corrupt bounce defer trace flush saved, and the
 * hashing of the queues named in hash_queue_names into hash_queue_depth levels of
 * single-character subdirectories taken from the hex microseconds of the queue ID.
 *
 * Every reference service that touches queue files (cleanup, qmgr, bounce, showq, and the
 * commands) goes through a QueueLayout so paths match what real postcat/postqueue expect.
 */
import { mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { hashDirs, isValidQueueId } from './queue-id.ts';

export const QUEUE_NAMES = [
  'maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt',
  'bounce', 'defer', 'trace', 'flush', 'saved',
] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface LayoutOptions {
  /** hash_queue_names (default "deferred, defer"). */
  hashQueueNames?: string[];
  /** hash_queue_depth (default 1). */
  hashQueueDepth?: number;
}

export class QueueLayout {
  readonly hashed: Set<string>;
  readonly depth: number;

  constructor(readonly queueDir: string, opts: LayoutOptions = {}) {
    this.hashed = new Set(opts.hashQueueNames ?? ['deferred', 'defer']);
    this.depth = opts.hashQueueDepth ?? 1;
  }

  /** Directory that holds `id` in `queue` (hash subdirectories included). */
  dirOf(queue: string, id: string): string {
    const parts = this.hashed.has(queue) && queue !== 'maildrop' ? hashDirs(id, this.depth) : [];
    return join(this.queueDir, queue, ...parts);
  }

  pathOf(queue: string, id: string): string {
    return join(this.dirOf(queue, id), id);
  }

  /** Path relative to $queue_directory, as postcat prints it ("deferred/D/DE1BF20C3A9"). */
  relativePath(queue: string, id: string): string {
    return this.pathOf(queue, id).slice(this.queueDir.length + 1);
  }

  /** Create every queue directory (mode 0700; maildrop 0730, public 0710 as postfix-files). */
  async ensureDirs(): Promise<void> {
    await mkdir(this.queueDir, { recursive: true });
    for (const q of QUEUE_NAMES) await mkdir(join(this.queueDir, q), { recursive: true, mode: q === 'maildrop' ? 0o730 : 0o700 });
    await mkdir(join(this.queueDir, 'private'), { recursive: true, mode: 0o700 });
    await mkdir(join(this.queueDir, 'public'), { recursive: true, mode: 0o710 });
    await mkdir(join(this.queueDir, 'pid'), { recursive: true, mode: 0o755 });
  }

  /** Create the hash subdirectories for `id` in `queue` if missing (mail_queue_mkdirs). */
  async ensureDirOf(queue: string, id: string): Promise<string> {
    const dir = this.dirOf(queue, id);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    return dir;
  }

  /** Rename a queue file (or log file) between queues, creating hash directories on demand. */
  async move(id: string, from: string, to: string): Promise<string> {
    const target = join(await this.ensureDirOf(to, id), id);
    await rename(this.pathOf(from, id), target);
    return target;
  }

  /** Queue IDs present in `queue`, walking hash subdirectories of any depth. Sorted. */
  async list(queue: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
      for (const e of entries) {
        if (e.isDirectory() && e.name.length === 1) await walk(join(dir, e.name));
        else if (e.isFile() && isValidQueueId(e.name)) out.push(e.name);
      }
    };
    await walk(join(this.queueDir, queue));
    return out.sort();
  }

  /** Whether the file exists in `queue` (one that cannot be stat()ed counts as absent). */
  async exists(queue: string, id: string): Promise<boolean> {
    try {
      await stat(this.pathOf(queue, id));
      return true;
    } catch {
      return false;
    }
  }

  /** Remove a queue file or log file (mail_queue_remove): false when it was not there; other errors are thrown. */
  async remove(queue: string, id: string): Promise<boolean> {
    try {
      await unlink(this.pathOf(queue, id));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }
}
