/**
 * What a mail system left on disk at the end of a scenario, read the same way for every target
 * (both lay out their directories like Postfix):
 *  - every file below the mail spool ($mail_spool_directory: the users' mailboxes, maildirs and
 *    the drop directory where local(8) file and command deliveries write), with its mode and
 *    owner, because local(8) decides both;
 *  - every queue file, as real `postcat -e -c <config dir>` shows its envelope records, and the
 *    per-recipient logs of bounce(8)/defer/trace as they are.
 * Called by the scenario runner's observe() (harness/scenario/run.ts); the comparator
 * (harness/compare) turns both into compared items.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SpoolFile {
  /** Path relative to the mail spool, "/"-separated ("nobody", "drop/filebox"). */
  path: string;
  /** Permission bits, e.g. 0o600. */
  mode: number;
  uid: number;
  gid: number;
  /** The bytes, one character per byte (latin1). */
  content: string;
}

export interface QueueFile {
  /** Path relative to the queue directory ("deferred/A/A1B2C3D4E5", "defer/A/A1B2C3D4E5"). */
  path: string;
  /** Queue files: `postcat -e` output; per-recipient logs (bounce, defer, trace): the text. */
  text: string;
}

/** Queues that hold queue files (shown with postcat) and the logs about them (shown as text). */
const MESSAGE_QUEUES = ['maildrop', 'incoming', 'active', 'deferred', 'hold', 'corrupt', 'saved'];
const LOG_QUEUES = ['bounce', 'defer', 'trace'];

/** Regular files below `dir`, as paths relative to it, in code-unit order ([] when dir is missing). */
export function filesBelow(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const name of names) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Every file below the mail spool with its mode, owner and bytes. */
export function readSpool(mailDir: string): SpoolFile[] {
  return filesBelow(mailDir).map((path) => {
    const abs = join(mailDir, path);
    const st = lstatSync(abs);
    return { path: path.split('\\').join('/'), mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, content: readFileSync(abs, 'latin1') };
  });
}

/** `postcat -e` of one queue file; a failure is shown as postcat's own words, so it is compared too. */
async function postcat(configDir: string, file: string): Promise<string> {
  try {
    const { stdout } = await run('postcat', ['-c', configDir, '-e', file], { encoding: 'latin1', maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    return `${e.stdout ?? ''}postcat failed: ${(e.stderr || e.message).trim()}\n`;
  }
}

/** Every queue file (postcat -e) and per-recipient log left in the queue directory. */
export async function readQueueFiles(queueDir: string, configDir: string): Promise<QueueFile[]> {
  const out: QueueFile[] = [];
  for (const queue of [...MESSAGE_QUEUES, ...LOG_QUEUES]) {
    for (const rel of filesBelow(join(queueDir, queue))) {
      const path = `${queue}/${rel.split('\\').join('/')}`;
      const abs = join(queueDir, queue, rel);
      out.push({ path, text: LOG_QUEUES.includes(queue) ? readFileSync(abs, 'latin1') : await postcat(configDir, abs) });
    }
  }
  return out;
}
