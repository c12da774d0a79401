/**
 * Mailbox formats of local(8) (mail_copy() in Postfix): what is prepended and how the message
 * is quoted for an mbox file or a maildir file.
 *
 *   mbox:    "From <sender>  <asctime>", Return-Path, X-Original-To, Delivered-To, the message
 *            with ">From " quoting at line starts, then one empty line.
 *   maildir: Return-Path, X-Original-To, Delivered-To, the message as is.
 *   command: the From_ line, Return-Path, X-Original-To, Delivered-To, the message as is
 *            (no >From quoting, no empty line after it).
 *
 * Writing: mbox appends to $mail_spool_directory/<user> or $home/$home_mailbox (created 0600,
 * owned by the user; an existing file keeps its owner and, with strict_mailbox_ownership, must
 * belong to the user), under a <mailbox>.lock file when mailbox_delivery_lock names dotlock
 * (dot_lockfile.c: created exclusively, tried deliver_lock_attempts times deliver_lock_delay
 * apart, a lock older than stale_lock_time is removed); maildir writes tmp/<unique> and
 * renames it into new/.
 */
import { chown, mkdir, open, rename, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { asctime } from '../../global/mail-date.ts';
import { utf8ByteString } from '../../global/byte-string.ts';

export interface Envelope {
  sender: string;
  /** Original recipient for X-Original-To ("" = none). */
  origTo: string;
  /** Delivered-To value ("" = no header). */
  deliveredTo: string;
}

/** The lines local(8) puts before the message; the addresses as the bytes Postfix copies. */
function prepended(env: Envelope): string[] {
  const lines = [`Return-Path: <${utf8ByteString(env.sender)}>`];
  if (env.origTo) lines.push(`X-Original-To: ${utf8ByteString(env.origTo)}`);
  if (env.deliveredTo) lines.push(`Delivered-To: ${utf8ByteString(env.deliveredTo)}`);
  return lines;
}

/** The mbox "From " line: the sender's bytes, or MAILER-DAEMON for the null sender. */
function fromLine(env: Envelope, now: number): string {
  return `From ${utf8ByteString(env.sender) || 'MAILER-DAEMON'}  ${asctime(now / 1000)}`;
}

function contentLines(content: Buffer): string[] {
  let text = content.toString('latin1');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  return text === '' ? [] : text.split('\n');
}

/** `now` in milliseconds since the epoch. */
export function mboxEntry(env: Envelope, content: Buffer, now: number): Buffer {
  const from = fromLine(env, now);
  const body = contentLines(content).map((l) => (l.startsWith('From ') ? '>' + l : l));
  return Buffer.from([from, ...prepended(env), ...body].join('\n') + '\n\n', 'latin1');
}

/** `now` in milliseconds since the epoch. */
export function commandEntry(env: Envelope, content: Buffer, now: number): Buffer {
  const from = fromLine(env, now);
  return Buffer.from([from, ...prepended(env), ...contentLines(content)].join('\n') + '\n', 'latin1');
}

export function maildirEntry(env: Envelope, content: Buffer): Buffer {
  return Buffer.from([...prepended(env), ...contentLines(content)].join('\n') + '\n', 'latin1');
}

export interface Owner {
  uid: number;
  gid: number;
}

/**
 * Give a new mailbox file or directory to its user, as Postfix's local(8), which writes as the
 * user, has it. Only root may: run without root privileges (EPERM) it keeps the reference's
 * owner, a known limit; any other failure is the delivery's (thrown).
 */
async function giveToOwner(chownIt: () => Promise<void>): Promise<void> {
  try {
    await chownIt();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
  }
}

/**
 * The error a write past mailbox_size_limit gets: local(8) runs under a file size limit
 * (RLIMIT_FSIZE), so the write fails with EFBIG, "File too large".
 */
export class FileTooLarge extends Error {
  readonly code = 'EFBIG';
  constructor() {
    super('File too large');
  }
}

/**
 * Append to an mbox file; on a failed write the file is truncated back. `sizeLimit`
 * (mailbox_size_limit, 0 = none) is the size the file may not pass.
 */
/**
 * An mbox that exists but belongs to someone else than its recipient, with
 * strict_mailbox_ownership = yes (mailbox.c): the delivery is deferred (4.2.0).
 */
export class NotOwnedByRecipient extends Error {
  constructor(readonly path: string) {
    super(`destination ${path} is not owned by recipient`);
  }
}

/** Open `path` for appending; `created` when this call made the file (mbox_open() with O_CREAT). */
async function openForAppend(path: string): Promise<{ fh: Awaited<ReturnType<typeof open>>; created: boolean }> {
  try {
    return { fh: await open(path, 'ax', 0o600), created: true };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { fh: await open(path, 'a', 0o600), created: false };
  }
}

/**
 * Append one mbox entry. A new file is given to `owner`; an existing one is kept as it is and,
 * with `strictOwnership` (strict_mailbox_ownership), refused unless `owner` owns it.
 */
export async function appendMbox(path: string, data: Buffer, owner?: Owner, sizeLimit = 0, strictOwnership = false): Promise<void> {
  const { fh, created } = await openForAppend(path);
  const st = await fh.stat();
  const before = st.size;
  try {
    if (owner && created) await giveToOwner(() => fh.chown(owner.uid, owner.gid));
    if (owner && !created && strictOwnership && st.uid !== owner.uid) throw new NotOwnedByRecipient(path);
    if (sizeLimit > 0 && before + data.length > sizeLimit) throw new FileTooLarge();
    await fh.write(data);
    await fh.sync();
  } catch (err) {
    await fh.truncate(before).catch(() => undefined); // best effort: the write's own error is reported
    throw err;
  } finally {
    await fh.close();
  }
}

/** How dot_lockfile() tries: deliver_lock_attempts, deliver_lock_delay, stale_lock_time. */
export interface DotLockSettings {
  attempts: number;
  delayMs: number;
  staleSec: number;
}

/** A lock file that could not be created: `code` is the errno name of the last attempt. */
export class DotLockError extends Error {
  constructor(readonly lockFile: string, readonly code: string, readonly error: NodeJS.ErrnoException) {
    super(`unable to create lock file ${lockFile}`);
  }
}

/** Remove a lock older than stale_lock_time; false when it is fresh or cannot be removed. */
async function brokeStaleLock(lockFile: string, staleSec: number, now: number): Promise<boolean> {
  try {
    const st = await stat(lockFile);
    if (now / 1000 <= st.ctimeMs / 1000 + staleSec) return true;
    await unlink(lockFile);
    return true;
  } catch (err) {
    // the holder removed it meanwhile: try again; any other error ends the attempts
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/**
 * dot_lockfile(): create `<path>.lock` exclusively; returns the function that removes it.
 * Only "file exists" is worth another attempt; any other error gives up at once.
 */
export async function dotLock(path: string, s: DotLockSettings, now: () => number = Date.now): Promise<() => Promise<void>> {
  const lockFile = `${path}.lock`;
  for (let attempt = 1; ; attempt++) {
    try {
      await (await open(lockFile, 'wx', 0)).close();
      return () => unlink(lockFile).catch(() => undefined); // best effort, as dot_unlockfile()
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (attempt >= s.attempts || e.code !== 'EEXIST' || !(await brokeStaleLock(lockFile, s.staleSec, now()))) {
        throw new DotLockError(lockFile, e.code ?? '', e);
      }
    }
    await sleep(s.delayMs);
  }
}

/**
 * mbox_dsn(): the status code a mailbox error gets: EAGAIN and ESTALE 4.2.0 (try again), ENOSPC
 * 4.3.0 (system full), EDQUOT and EFBIG 5.2.2 (mailbox full), anything else `defaultDsn`.
 */
export function mboxDsn(code: string, defaultDsn: string): string {
  if (code === 'EAGAIN' || code === 'ESTALE') return '4.2.0';
  if (code === 'ENOSPC') return '4.3.0';
  if (code === 'EDQUOT' || code === 'EFBIG') return '5.2.2';
  return defaultDsn;
}

let seq = 0;

export async function writeMaildir(dir: string, data: Buffer, now: number, owner?: Owner): Promise<string> {
  for (const sub of ['', 'tmp', 'new', 'cur']) {
    await mkdir(join(dir, sub), { recursive: true, mode: 0o700 });
    if (owner) await giveToOwner(() => chown(join(dir, sub), owner.uid, owner.gid));
  }
  const host = hostname().split('.')[0];
  const sec = Math.floor(now / 1000);
  const tmp = join(dir, 'tmp', `${sec}.P${process.pid}Q${++seq}.${host}`);
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.write(data);
    await fh.sync();
    if (owner) await giveToOwner(() => fh.chown(owner.uid, owner.gid));
  } finally {
    await fh.close();
  }
  const st = await stat(tmp);
  const name = `${sec}.V${st.dev.toString(16)}I${st.ino.toString(16)}M${(now % 1000) * 1000}.${host}`;
  await rename(tmp, join(dir, 'new', name));
  return join(dir, 'new', name);
}
