/**
 * Queue IDs as Postfix makes them (mail_queue.c, mail_queue.h).
 *
 *   short form (enable_long_queue_ids = no): "%05X" of the microseconds, then the inode in
 *     upper-case hex without padding, e.g. AE4F2216076.
 *   long form (enable_long_queue_ids = yes): seconds in base 52 (at least 6 digits), the
 *     microseconds in base 52 (exactly 4), the separator 'z', the inode in base 51.
 *
 * The clock is injectable (QueueClock) so tests and deterministic runs get stable IDs; the
 * inode comes from the file the ID names (queue-file.ts creates the file first, as Postfix does).
 */

/** Digits then consonants: no vowels, so IDs never spell words. Base 51 omits the final 'z'. */
const SAFE_ALPHABET = '0123456789BCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz';

export interface QueueTime {
  sec: number;
  usec: number;
}

/** Where queue-ID time stamps come from. */
export type QueueClock = () => QueueTime;

export const systemClock: QueueClock = () => {
  const ns = process.hrtime.bigint();
  // hrtime is monotonic, not wall-clock: combine the wall-clock ms with sub-ms from hrtime.
  const ms = Date.now();
  const usec = (ms % 1000) * 1000 + Number(ns % 1000n);
  return { sec: Math.floor(ms / 1000), usec };
};

function encodeBase(value: number, base: number, pad: number): string {
  let n = Math.floor(value);
  let s = '';
  do {
    s = SAFE_ALPHABET[n % base] + s;
    n = Math.floor(n / base);
  } while (n > 0);
  return s.padStart(pad, '0');
}

function decodeBase(text: string, base: number): number | undefined {
  let n = 0;
  for (const ch of text) {
    const d = SAFE_ALPHABET.indexOf(ch);
    if (d < 0 || d >= base) return undefined;
    n = n * base + d;
  }
  return n;
}

export function shortQueueId(t: QueueTime, inode: number): string {
  return t.usec.toString(16).toUpperCase().padStart(5, '0') + inode.toString(16).toUpperCase();
}

export function longQueueId(t: QueueTime, inode: number): string {
  return encodeBase(t.sec, 52, 6) + encodeBase(t.usec, 52, 4) + 'z' + encodeBase(inode, 51, 0);
}

export function makeQueueId(longForm: boolean, t: QueueTime, inode: number): string {
  return longForm ? longQueueId(t, inode) : shortQueueId(t, inode);
}

/** mail_queue_id_ok(): non-empty, at most 255 characters, only letters, digits and '_'. */
export function isValidQueueId(id: string): boolean {
  return id.length > 0 && id.length <= 255 && /^[A-Za-z0-9_]+$/.test(id);
}

/** A long ID has its right-most 'z' at position 10 or later. */
export function isLongQueueId(id: string): boolean {
  const z = id.lastIndexOf('z');
  return z >= 10;
}

/**
 * The hex-microsecond prefix used for hashed queue subdirectories: the ID itself for a short
 * ID, the 4 base-52 microsecond digits before the 'z' re-encoded as %05X for a long one.
 */
export function hexUsecPrefix(id: string): string {
  if (!isLongQueueId(id)) return id;
  const z = id.lastIndexOf('z');
  const usec = decodeBase(id.slice(z - 4, z), 52) ?? 0;
  return usec.toString(16).toUpperCase().padStart(5, '0');
}

/** Hash subdirectory path components for `id` at `depth` levels ('_' fills missing chars). */
export function hashDirs(id: string, depth: number): string[] {
  const prefix = hexUsecPrefix(id);
  const out: string[] = [];
  for (let i = 0; i < depth; i++) out.push(prefix[i] ?? '_');
  return out;
}
