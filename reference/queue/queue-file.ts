/**
 * Queue files: create, write, read and edit in place, as Postfix's cleanup, qmgr and the
 * delivery agents do (mail_queue.c mail_queue_enter, cleanup_final.c, deliver_completed.c).
 *
 * Writer: the file is created as `<queue>/<usec>.<pid>` (O_EXCL, mode 0600), its inode names
 * the queue ID, and it is renamed to `<queue>/<hash dirs>/<ID>`. Records are appended; on
 * finish() the C (size) record is filled in, the data is fsynced and the mode set to 0700 —
 * the owner-execute bit is what marks a queue file complete for qmgr, showq and postsuper.
 *
 * Reader: follows p (pointer) records, tracks per-recipient O/A state, and gives the envelope,
 * recipient offsets (for in-place "done" marking), and the content lines.
 */
import { open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import {
  REC, SIZE_RECORD_BYTES, decodeRecordAt, encodeRecord, fixedNumber, formatSizeRecord,
  parseSizeRecord, type QueueRecord, type SizeRecord,
} from './records.ts';
import { makeQueueId, systemClock, type QueueClock } from './queue-id.ts';
import type { QueueLayout } from './layout.ts';

/** A complete queue file has all owner bits set (MAIL_QUEUE_STAT_READY). */
export const MODE_READY = 0o700;
export const MODE_WRITING = 0o600;
/** Group-execute = forced expiration (postsuper -e / -f). */
export const MODE_FORCED_EXPIRE = 0o010;

export function isReadyMode(mode: number): boolean {
  return (mode & 0o700) === 0o700;
}

export interface CreateOptions {
  clock?: QueueClock;
  longQueueIds?: boolean;
}

/** Sequence number for temporary queue file names (see QueueFileWriter.create). */
let tempSequence = 0;

/**
 * How many bytes of records a writer holds before it writes them out: a message goes to its
 * file while it arrives, as Postfix's cleanup writes through a stream buffer, rather than
 * whole at the end (a 10 MB message would otherwise be held twice over in memory).
 */
const WRITE_THROUGH_BYTES = 64 * 1024;

export class QueueFileWriter {
  /** Records not yet written; they start at file offset `written`. */
  private chunks: Buffer[] = [];
  private buffered = 0;
  private written = 0;
  private length = 0;
  private closed = false;
  /** The writes under way, in order; the first failure is kept for finish(). */
  private writing: Promise<void> = Promise.resolve();
  private writeError?: unknown;

  private constructor(
    readonly queueId: string,
    readonly path: string,
    private readonly fh: FileHandle,
  ) {}

  /** Create a new, empty queue file in `queue` and allocate its ID. */
  static async create(layout: QueueLayout, queue: string, opts: CreateOptions = {}): Promise<QueueFileWriter> {
    const clock = opts.clock ?? systemClock;
    for (let attempt = 0; ; attempt++) {
      const t = clock();
      // The temporary name must be unique among concurrent creators in this process too
      // (two SMTP sessions can ask in the same microsecond): a process-wide sequence number.
      const tmp = join(layout.queueDir, queue, `${t.usec}.${process.pid}.${++tempSequence}`);
      let fh: FileHandle;
      try {
        fh = await open(tmp, 'wx', MODE_WRITING);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST' && attempt < 1000) continue;
        throw err;
      }
      try {
        const st = await fh.stat();
        const id = makeQueueId(opts.longQueueIds ?? false, t, st.ino);
        const dir = await layout.ensureDirOf(queue, id);
        const target = join(dir, id);
        // Refuse to clobber an existing file: a short ID can repeat within a second.
        // (A target that cannot be opened is not there: no clash.)
        const clash = await open(target, 'r').then(async (h) => { await h.close(); return true; }, () => false);
        if (clash) {
          await fh.close();
          await unlink(tmp);
          if (attempt > 1000) throw new Error(`cannot allocate a queue ID in ${queue}`);
          continue;
        }
        await rename(tmp, target);
        return new QueueFileWriter(id, target, fh);
      } catch (err) {
        // Best-effort clean-up of the temporary file; the error that stopped us is thrown.
        await fh.close().catch(() => undefined);
        await unlink(tmp).catch(() => undefined);
        throw err;
      }
    }
  }

  /** Current file offset (where the next record starts). */
  get offset(): number {
    return this.length;
  }

  /** Append a record; returns its offset. Held records are written out past WRITE_THROUGH_BYTES. */
  add(type: string, data: string | Buffer = ''): number {
    const off = this.length;
    const rec = encodeRecord(type, data);
    this.chunks.push(rec);
    this.buffered += rec.length;
    this.length += rec.length;
    if (this.buffered >= WRITE_THROUGH_BYTES) this.writeHeld();
    return off;
  }

  /** Start writing the held records at their offset; the write is waited for by finish(). */
  private writeHeld(): void {
    const data = Buffer.concat(this.chunks);
    const at = this.written;
    this.chunks = [];
    this.buffered = 0;
    this.written += data.length;
    this.writing = this.writing.then(async () => {
      if (this.writeError === undefined) await this.fh.write(data, 0, data.length, at);
    }).catch((err: unknown) => {
      this.writeError ??= err;
    });
  }

  /** Resolves when the writes started so far are done (what is still held stays held). */
  writesDone(): Promise<void> {
    return this.writing;
  }

  /** Everything added is in the file (or the first write error is thrown). */
  private async flushAll(): Promise<void> {
    if (this.buffered > 0) this.writeHeld();
    await this.writing;
    if (this.writeError !== undefined) throw this.writeError;
  }

  /** Write the placeholder C record (must be the first record). */
  addSizePlaceholder(): void {
    if (this.length !== 0) throw new Error('the C record must come first');
    this.add(REC.SIZE, formatSizeRecord({ messageSize: 0, dataOffset: 0, recipientCount: 0, qmgrFlags: 0, contentLength: 0, smtputf8: 0 }));
  }

  /**
   * Fill in the C record, write everything, fsync, set mode 0700 and close. After this the
   * file is complete and may be handed to qmgr.
   */
  async finish(size: SizeRecord, mode = MODE_READY): Promise<void> {
    const c = encodeRecord(REC.SIZE, formatSizeRecord(size));
    if (c.length !== SIZE_RECORD_BYTES) throw new Error('size record overflow');
    await this.flushAll();
    await this.fh.write(c, 0, c.length, 0);
    await this.fh.sync();
    await this.fh.chmod(mode);
    await this.fh.sync();
    await this.fh.close();
    this.closed = true;
  }

  /**
   * Write the records as they are (no C record: a maildrop file from postdrop), fsync, set
   * `mode` and close.
   */
  async finishPlain(mode: number): Promise<void> {
    await this.flushAll();
    await this.fh.chmod(mode);
    await this.fh.sync();
    await this.fh.close();
    this.closed = true;
  }

  /**
   * Give up: close and remove the file, best effort — an unfinished file (mode 0600) is never
   * taken by qmgr, so one that cannot be removed harms nothing; the caller reports why it gave up.
   */
  async abort(): Promise<void> {
    await this.writing;
    if (!this.closed) {
      this.closed = true;
      await this.fh.close().catch(() => undefined);
    }
    await unlink(this.path).catch(() => undefined);
  }
}

export interface QueuedRecipient {
  /** Offset of the R (or D) record: what a delivery agent marks done. */
  offset: number;
  address: string;
  /** O record preceding it ("" when none). */
  origTo: string;
  dsnOrcpt?: string;
  dsnNotify?: number;
  done: boolean;
}

export interface QueueMessage {
  path: string;
  size: SizeRecord;
  /** Arrival time (T record) in ms since the epoch. */
  arrivalTime: number;
  /** A create_time (seconds), falling back to the arrival seconds. */
  createTime: number;
  sender: string;
  fullName?: string;
  /** Named attributes (envelope and extracted), excluding the per-recipient ones. */
  attributes: Record<string, string>;
  recipients: QueuedRecipient[];
  /** W record: warning time (seconds; 0 = none) and offset for in-place updates. */
  warnTime?: { value: number; offset: number };
  /** Content filter (L in the envelope or extracted segment). */
  filter?: string;
  redirect?: string;
  /** Offset just after the M record; offset of the X record. */
  dataOffset: number;
  xtraOffset: number;
  /** Records in logical order (pointers followed), for tools. */
  records: QueueRecord[];
  /** The content lines (N/L records between M and X) joined with LF. */
  content: Buffer;
}

/** Parse a queue file from bytes (pointer records are followed). */
export function parseQueueFile(buf: Buffer, path = ''): QueueMessage {
  const records: QueueRecord[] = [];
  const seen = new Set<number>();
  let off = 0;
  for (;;) {
    if (seen.has(off)) throw new Error(`${path}: pointer loop at ${off}`);
    seen.add(off);
    const rec = decodeRecordAt(buf, off);
    if (!rec) throw new Error(`${path}: truncated queue file at offset ${off}`);
    if (rec.type === REC.PTR) {
      const target = Number.parseInt(rec.data.toString('latin1').trim(), 10);
      off = target > 0 ? target : rec.end;
      continue;
    }
    records.push(rec);
    off = rec.end;
    if (rec.type === REC.END) break;
  }

  const msg: QueueMessage = {
    path, size: parseSizeRecord(''), arrivalTime: 0, createTime: 0, sender: '', attributes: {},
    recipients: [], dataOffset: 0, xtraOffset: 0, records, content: Buffer.alloc(0),
  };
  let segment: 'envelope' | 'content' | 'extracted' = 'envelope';
  let pending: { origTo: string; dsnOrcpt?: string; dsnNotify?: number } = { origTo: '' };
  const lines: Buffer[] = [];
  for (const rec of records) {
    const text = rec.data.toString('utf8');
    if (segment === 'content') {
      if (rec.type === REC.XTRA) {
        segment = 'extracted';
        msg.xtraOffset = rec.offset;
      } else if (rec.type === REC.NORM) lines.push(rec.data, Buffer.from('\n'));
      else if (rec.type === REC.CONT) lines.push(rec.data);
      continue;
    }
    switch (rec.type) {
      case REC.SIZE: msg.size = parseSizeRecord(text); break;
      case REC.TIME: {
        const [s, us] = text.trim().split(/\s+/).map(Number);
        msg.arrivalTime = s * 1000 + Math.floor((us || 0) / 1000);
        if (!msg.createTime) msg.createTime = s;
        break;
      }
      case REC.FULL: msg.fullName = text; break;
      case REC.FROM: msg.sender = text; break;
      case REC.WARN: msg.warnTime = { value: Number.parseInt(text.trim(), 10) || 0, offset: rec.offset }; break;
      case REC.MESG: segment = 'content'; msg.dataOffset = rec.end; break;
      case REC.ORCP: pending.origTo = text; break;
      case REC.RCPT:
      case REC.DONE:
        msg.recipients.push({ offset: rec.offset, address: text, done: rec.type === REC.DONE, ...pending });
        pending = { origTo: '' };
        break;
      case REC.DRCP: pending = { origTo: '' }; break;
      case REC.ATTR: {
        const eq = text.indexOf('=');
        const name = eq < 0 ? text : text.slice(0, eq);
        const value = eq < 0 ? '' : text.slice(eq + 1);
        if (name === 'dsn_orig_rcpt') pending.dsnOrcpt = value;
        else if (name === 'notify_flags') pending.dsnNotify = Number.parseInt(value, 10) || 0;
        else if (name === 'create_time') msg.createTime = Number.parseInt(value, 10) || msg.createTime;
        else msg.attributes[name] = value;
        break;
      }
      case 'L': msg.filter = text; break; // FILT shares the letter with CONT outside the content
      case REC.RDR: msg.redirect = text; break;
      default: break;
    }
  }
  msg.content = Buffer.concat(lines);
  return msg;
}

export async function readQueueFile(path: string): Promise<QueueMessage> {
  return parseQueueFile(await readFile(path), path);
}

/** Overwrite one byte at `offset` (R → D) and fsync (deliver_completed). */
export async function markRecipientDone(path: string, offset: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, offset);
    const t = String.fromCharCode(b[0]);
    if (t === REC.DONE) return;
    if (t !== REC.RCPT) throw new Error(`${path}: no recipient record at offset ${offset} (found ${JSON.stringify(t)})`);
    await fh.write(Buffer.from(REC.DONE), 0, 1, offset);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Rewrite the W record payload in place (the delay-warning time; 0 = sent). */
export async function updateWarnTime(path: string, offset: number, value: number): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    const rec = encodeRecord(REC.WARN, fixedNumber(value));
    await fh.write(rec, 0, rec.length, offset);
    await fh.sync();
  } finally {
    await fh.close();
  }
}
