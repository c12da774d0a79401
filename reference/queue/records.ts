/**
 * Queue-file records: the on-disk unit of every Postfix queue file (maildrop, incoming,
 * active, deferred, hold). A record is one type byte, the payload length in base-128
 * little-endian form (low 7 bits first, high bit = "more length bytes follow"), then the
 * payload bytes. Record letters and their meaning follow Postfix's rec_type.h; postcat(1)
 * prints them with the labels listed in REC_LABELS.
 *
 * Used by queue-file.ts (reader/writer), cleanup (writes), qmgr/showq/bounce (read).
 */

/** Record type letters (rec_type.h). */
export const REC = {
  SIZE: 'C',
  TIME: 'T',
  FULL: 'F',
  INSP: 'I',
  FILT: 'L',
  FROM: 'S',
  DONE: 'D',
  RCPT: 'R',
  ORCP: 'O',
  DRCP: '/',
  WARN: 'W',
  ATTR: 'A',
  KILL: 'K',
  RDR: '>',
  FLGS: 'f',
  DELAY: 'd',
  MESG: 'M',
  CONT: 'L',
  NORM: 'N',
  DTXT: 'w',
  XTRA: 'X',
  RRTO: 'r',
  ERTO: 'e',
  PRIO: 'P',
  PTR: 'p',
  VERP: 'V',
  END: 'E',
} as const;

export type RecordType = (typeof REC)[keyof typeof REC];

export interface QueueRecord {
  /** The type letter. */
  type: string;
  /** Payload bytes. */
  data: Buffer;
  /** File offset of the type byte. */
  offset: number;
  /** Offset just after the payload (where the next record starts). */
  end: number;
}

/** Encode the length prefix (base-128, least significant group first). */
export function encodeLength(len: number): Buffer {
  const bytes: number[] = [];
  let n = len;
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

/** One complete record as bytes. */
export function encodeRecord(type: string, data: string | Buffer = ''): Buffer {
  const payload = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return Buffer.concat([Buffer.from(type, 'latin1'), encodeLength(payload.length), payload]);
}

/** Decode the record starting at `offset` in `buf`; undefined when the buffer ends first. */
export function decodeRecordAt(buf: Buffer, offset: number): QueueRecord | undefined {
  if (offset >= buf.length) return undefined;
  const type = String.fromCharCode(buf[offset]);
  let pos = offset + 1;
  let len = 0;
  let shift = 1;
  for (;;) {
    if (pos >= buf.length) return undefined;
    const b = buf[pos++];
    len += (b & 0x7f) * shift;
    if ((b & 0x80) === 0) break;
    shift *= 128;
    if (shift > 2 ** 35) throw new Error(`queue file record at ${offset}: length too large`);
  }
  if (pos + len > buf.length) return undefined;
  return { type, data: buf.subarray(pos, pos + len), offset, end: pos + len };
}

/** Every record of a file, in physical order (no pointer following). */
export function decodeRecords(buf: Buffer): QueueRecord[] {
  const out: QueueRecord[] = [];
  let off = 0;
  while (off < buf.length) {
    const rec = decodeRecordAt(buf, off);
    if (!rec) throw new Error(`queue file truncated at offset ${off}`);
    out.push(rec);
    off = rec.end;
  }
  return out;
}

/** Width of each number in the C (size) record and of p/W records: "%15ld". */
export const NUM_WIDTH = 15;

export function fixedNumber(n: number): string {
  return String(n).padStart(NUM_WIDTH, ' ');
}

/** The six fields of the C record (cleanup_final.c writes them in this order). */
export interface SizeRecord {
  /** Content size in record bytes (from the M payload end to the X record). */
  messageSize: number;
  /** File offset of the first content record (just after M). */
  dataOffset: number;
  recipientCount: number;
  qmgrFlags: number;
  contentLength: number;
  smtputf8: number;
}

export function formatSizeRecord(s: SizeRecord): string {
  return [s.messageSize, s.dataOffset, s.recipientCount, s.qmgrFlags, s.contentLength, s.smtputf8]
    .map(fixedNumber)
    .join(' ');
}

export function parseSizeRecord(text: string): SizeRecord {
  const f = text.trim().split(/\s+/).map((x) => Number.parseInt(x, 10));
  return {
    messageSize: f[0] ?? 0,
    dataOffset: f[1] ?? 0,
    recipientCount: f[2] ?? 0,
    qmgrFlags: f[3] ?? 0,
    contentLength: f[4] ?? f[0] ?? 0,
    smtputf8: f[5] ?? 0,
  };
}

/** Byte length of an encoded C record (type + 1 length byte + 6×15 digits + 5 spaces). */
export const SIZE_RECORD_BYTES = encodeRecord(REC.SIZE, formatSizeRecord({
  messageSize: 0, dataOffset: 0, recipientCount: 0, qmgrFlags: 0, contentLength: 0, smtputf8: 0,
})).length;

/** postcat labels (rec_type.c), for messages and debugging. */
export const REC_LABELS: Record<string, string> = {
  C: 'message_size', T: 'message_arrival_time', F: 'sender_fullname', I: 'content_inspector',
  S: 'sender', D: 'done_recipient', R: 'recipient', O: 'original_recipient', '/': 'canceled_recipient',
  W: 'warning_message_time', A: 'named_attribute', K: 'killed_record', '>': 'redirect_to',
  M: 'message_content', N: 'regular_text', w: 'padding', X: 'extracted_info', r: 'return_receipt',
  e: 'errors_to', P: 'priority', p: 'pointer_record', V: 'verp_delimiters', E: 'message_end',
};
