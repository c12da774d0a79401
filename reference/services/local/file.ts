/**
 * local(8) delivery to a /file (Postfix's local/file.c): the message is appended in mbox
 * format (mailbox.ts mboxEntry) with the rights of the given uid/gid, or written in maildir
 * format when the name ends in "/". Called by local.ts for alias, :include: and .forward
 * items. Texts as Postfix 3.7 logs them: "delivered to file: PATH", "file is executable",
 * "cannot append message to file PATH: cannot open file: <error>".
 */
import { closeSync, fstatSync, openSync, writeSync, ftruncateSync, constants } from 'node:fs';
import { strerror } from './strerror.ts';

export interface FileOutcome {
  outcome: 'sent' | 'deferred' | 'bounced';
  dsn: string;
  text: string;
}

/** Run fn with the effective uid/gid switched (only when this process is root). */
function asUser<T>(uid: number, gid: number, fn: () => T): T {
  const root = typeof process.geteuid === 'function' && process.geteuid() === 0;
  if (!root || !process.setegid || !process.seteuid) return fn();
  process.setegid(gid);
  process.seteuid(uid);
  try {
    return fn();
  } finally {
    process.seteuid(0);
    process.setegid(0);
  }
}

const SOFT = new Set(['EAGAIN', 'ESTALE', 'ENOSPC']);

/** Append data to path as uid/gid (created 0600). */
export function appendToFile(path: string, data: Buffer, uid: number, gid: number): FileOutcome {
  let fd: number;
  try {
    fd = asUser(uid, gid, () => openSync(path, constants.O_APPEND | constants.O_CREAT | constants.O_WRONLY | constants.O_NONBLOCK, 0o600));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const dsn = SOFT.has(e.code ?? '') ? '4.2.0' : '5.2.0';
    return { outcome: dsn.startsWith('4') ? 'deferred' : 'bounced', dsn, text: `cannot append message to file ${path}: cannot open file: ${strerror(e)}` };
  }
  try {
    const st = fstatSync(fd);
    if (st.isDirectory()) return { outcome: 'bounced', dsn: '5.2.0', text: `cannot append message to file ${path}: cannot open file: Is a directory` };
    if (st.isFile() && (st.mode & 0o111) !== 0) return { outcome: 'bounced', dsn: '5.7.1', text: 'file is executable' };
    const before = st.size;
    try {
      writeSync(fd, data);
    } catch (err) {
      if (st.isFile()) ftruncateSync(fd, before);
      const e = err as NodeJS.ErrnoException;
      const dsn = SOFT.has(e.code ?? '') ? '4.3.0' : '5.3.0';
      return { outcome: dsn.startsWith('4') ? 'deferred' : 'bounced', dsn, text: `cannot append message to file ${path}: error writing message: ${strerror(e)}` };
    }
    return { outcome: 'sent', dsn: '2.0.0', text: `delivered to file: ${path}` };
  } finally {
    closeSync(fd);
  }
}
