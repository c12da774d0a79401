/**
 * smtpd(8) receiving BDAT chunks (RFC 3030; bdat_cmd() and skip_bdat() in smtpd.c). Called by
 * session.ts's BDAT handler, which keeps the transaction state and answers.
 *
 * - parseBdat(): "BDAT <count> [LAST]"; anything else is a syntax error, which ends the
 *   session (the next input would be raw content).
 * - skipChunk(): the announced bytes are read and dropped before any error reply, so chunk
 *   bytes are never taken for commands.
 * - ChunkReader: the chunk's bytes are read in fragments of at most VSTREAM_BUFSIZE (4096)
 *   and cut into records as smtp_get() cuts a stream: a line ends at LF (CRs before it
 *   removed as in DATA, bare-LF detection as in DATA), a line longer than line_length_limit
 *   goes on in pieces, and a line may run on into the next fragment or chunk. The last
 *   chunk's unterminated last line is stored as a line. Unlike DATA there is no dot
 *   unstuffing, no end-of-data line, no From_ header and no empty line before leading white
 *   space. Records count against message_size_limit as in DATA (each plus 2), and go to
 *   cleanup as they are cut (ChunkOptions.output); an unfinished line stays here until its
 *   end arrives, so cleanup never sees it when the transaction is dropped first.
 */
import { ContentStore } from './data.ts';
import { VSTREAM_BUFSIZE } from '../../global/vstream.ts';
import type { LineStream, ReadEnd } from './stream.ts';

/** Postfix reads chunks in pieces of its stream buffer size (VSTREAM_BUFSIZE). */
export const FRAGMENT = VSTREAM_BUFSIZE;
const LF = 0x0a;
const CR = 0x0d;
/** The largest chunk size off_cvt_string() accepts (a signed 64-bit off_t). */
const MAX_CHUNK = 2n ** 63n - 1n;

export interface BdatArgs {
  size: number;
  last: boolean;
}

/** "BDAT count [LAST]" (RFC 3030 §2); undefined for a malformed command. */
export function parseBdat(args: string): BdatArgs | undefined {
  const words = args === '' ? [] : args.split(/[ \t]+/);
  if (words.length < 1 || words.length > 2 || !/^\d+$/.test(words[0]!)) return undefined;
  if (BigInt(words[0]!) > MAX_CHUNK) return undefined;
  if (words.length === 2 && words[1]!.toUpperCase() !== 'LAST') return undefined;
  return { size: Number(words[0]!), last: words.length === 2 };
}

/** The client went away or was silent while a chunk was due. */
export interface ChunkInterrupted {
  interrupted: ReadEnd;
  /** Bytes stored (act_size) plus those of the unfinished line. */
  stored: number;
  /** Bytes of the unfinished fragment. */
  received: number;
}

/** Read and drop `size` bytes (skip_bdat); the end if the client stops first. */
export async function skipChunk(input: LineStream, size: number, timeoutMs: number): Promise<ReadEnd | undefined> {
  for (let done = 0; done < size; ) {
    const n = Math.min(size - done, FRAGMENT);
    const got = await input.readBytes(n, timeoutMs);
    if (!Buffer.isBuffer(got)) return got.end;
    done += n;
  }
  return undefined;
}

export interface ChunkOptions {
  timeoutMs: number;
  lineLengthLimit: number;
  messageSizeLimit: number;
  /** smtpd_forbid_bare_newline is on for this client. */
  detectBareLf: boolean;
  /** ... and set to "reject". */
  rejectBareLf: boolean;
  /** Called once when the content passes message_size_limit. */
  tooBig: () => void;
  /** Where the content records go as they are read (cleanup's stream). */
  output: (bytes: Buffer) => void;
  /** A promise to wait on before reading more, while cleanup is behind (cleanup-stream.ts pace()). */
  pace?: () => Promise<void> | undefined;
}

/** One BDAT transaction's content, chunk after chunk. */
export class ChunkReader {
  readonly store: ContentStore;
  /** A line ended in a bare LF while smtpd_forbid_bare_newline = reject. */
  bareLf = false;
  /** The line being collected: at most the limit, one byte looked ahead and a CRLF. */
  private line: Buffer;
  private lineLen = 0;
  /** The current fragment as a memory stream. */
  private frag: Buffer = Buffer.alloc(0);
  private pos = 0;
  private atEnd = false;
  private gotBareLf = false;

  constructor(private readonly o: ChunkOptions) {
    this.store = new ContentStore(o.output);
    this.line = Buffer.alloc(o.lineLengthLimit + 4);
  }

  /** The content stored so far (act_size) and the bytes of the line not yet ended. */
  get held(): number {
    return this.store.size + this.lineLen;
  }

  /** Nothing more is stored after a size or bare-LF error (smtpd's state->err). */
  get failed(): boolean {
    return this.store.tooBig || this.bareLf;
  }

  /** Read one chunk of `size` bytes; the interruption if the client stops first. */
  async read(input: LineStream, size: number, last: boolean): Promise<ChunkInterrupted | undefined> {
    let done = 0;
    do {
      const n = Math.min(size - done, FRAGMENT);
      const got = await input.readBytes(n, this.o.timeoutMs);
      if (!Buffer.isBuffer(got)) return { interrupted: got.end, stored: this.held, received: got.received };
      done += n;
      this.fragment(got, last && done === size);
      const behind = this.o.pace?.();
      if (behind) await behind;
    } while (done < size);
    return undefined;
  }

  /** Cut one fragment into records; `final`: it ends the last chunk. */
  private fragment(bytes: Buffer, final: boolean): void {
    this.frag = bytes;
    this.pos = 0;
    this.atEnd = false;
    const limit = this.o.lineLengthLimit;
    do {
      const room = limit - this.lineLen;
      const lastChar = this.getLine(room > 0 ? room : 1);
      let complete: boolean;
      if (lastChar === LF) {
        complete = true;
      } else if (this.lineLen > limit) {
        // One byte was looked at past a full line: give it back; the full line goes on.
        this.pos--;
        this.lineLen--;
        complete = false;
      } else if (!this.atEnd) {
        complete = false; // cut at line_length_limit
      } else if (this.lineLen > 0 && final) {
        complete = true; // the last chunk's last line, without LF
      } else {
        break; // the line goes on in the next fragment or chunk
      }
      if (this.gotBareLf && this.o.rejectBareLf) this.bareLf = true;
      this.store1(complete);
      this.lineLen = 0;
    } while (!this.atEnd);
  }

  /** Store the line collected so far, unless an error already stopped storing. */
  private store1(complete: boolean): void {
    if (this.failed) return;
    this.store.add(this.line.subarray(0, this.lineLen), complete, this.o.messageSizeLimit);
    if (this.store.tooBig) this.o.tooBig();
  }

  private getc(): number {
    if (this.pos < this.frag.length) return this.frag[this.pos++]!;
    this.atEnd = true;
    return -1;
  }

  /**
   * Append up to `bound` bytes, to and including LF, to the line (smtp_get() on the
   * fragment); returns the last byte taken (LF: the line is complete and its terminator is
   * removed), or -1 when none was left.
   */
  private getLine(bound: number): number {
    this.gotBareLf = false;
    const base = this.lineLen;
    const end = Math.min(this.frag.length, this.pos + bound);
    const lf = this.frag.indexOf(LF, this.pos);
    const sawLf = lf >= 0 && lf < end;
    const stop = sawLf ? lf + 1 : end;
    this.lineLen += this.frag.copy(this.line, this.lineLen, this.pos, stop);
    // No LF and fewer than `bound` bytes: the reading ran into the end of the fragment.
    if (!sawLf && stop - this.pos < bound) this.atEnd = true;
    this.pos = stop;
    let last = this.lineLen > base ? this.line[this.lineLen - 1]! : -1;
    if (last === CR) {
      // Stopped between CR and LF: look at the next byte.
      const next = this.getc();
      if (next === LF) {
        this.line[this.lineLen++] = LF;
        last = LF;
      } else if (next >= 0) {
        this.pos--;
      }
    }
    if (last === LF) this.stripTerminator();
    return last;
  }

  private stripTerminator(): void {
    this.lineLen--;
    if (this.o.detectBareLf) {
      if (this.lineLen === 0 || this.line[this.lineLen - 1] !== CR) this.gotBareLf = true;
      else this.lineLen--;
      return;
    }
    while (this.lineLen > 0 && this.line[this.lineLen - 1] === CR) this.lineLen--;
  }
}
