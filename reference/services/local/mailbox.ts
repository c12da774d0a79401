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
 * Writing: mbox appends to $mail_spool_directory/<user> (created 0600, owned by the user);
 * maildir writes tmp/<unique> and renames it into new/.
 */
import { chown, mkdir, open, rename, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { asctime } from '../../global/mail-date.ts';

export interface Envelope {
  sender: string;
  /** Original recipient for X-Original-To ("" = none). */
  origTo: string;
  /** Delivered-To value ("" = no header). */
  deliveredTo: string;
}

function prepended(env: Envelope): string[] {
  const lines = [`Return-Path: <${env.sender}>`];
  if (env.origTo) lines.push(`X-Original-To: ${env.origTo}`);
  if (env.deliveredTo) lines.push(`Delivered-To: ${env.deliveredTo}`);
  return lines;
}

function contentLines(content: Buffer): string[] {
  let text = content.toString('latin1');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  return text === '' ? [] : text.split('\n');
}

/** `now` in milliseconds since the epoch. */
export function mboxEntry(env: Envelope, content: Buffer, now: number): Buffer {
  const from = `From ${env.sender || 'MAILER-DAEMON'}  ${asctime(now / 1000)}`;
  const body = contentLines(content).map((l) => (l.startsWith('From ') ? '>' + l : l));
  return Buffer.from([from, ...prepended(env), ...body].join('\n') + '\n\n', 'latin1');
}

/** `now` in milliseconds since the epoch. */
export function commandEntry(env: Envelope, content: Buffer, now: number): Buffer {
  const from = `From ${env.sender || 'MAILER-DAEMON'}  ${asctime(now / 1000)}`;
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

/** Append to an mbox file; on a failed write the file is truncated back. */
export async function appendMbox(path: string, data: Buffer, owner?: Owner): Promise<void> {
  const fh = await open(path, 'a', 0o600);
  const before = (await fh.stat()).size;
  try {
    if (owner && before === 0) await giveToOwner(() => fh.chown(owner.uid, owner.gid));
    await fh.write(data);
    await fh.sync();
  } catch (err) {
    await fh.truncate(before).catch(() => undefined); // best effort: the write's own error is reported
    throw err;
  } finally {
    await fh.close();
  }
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
