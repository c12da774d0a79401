/**
 * How cleanup(8) reads the primary header block of a message and writes each header back, as
 * Postfix 3.7.11's MIME reader (mime_state.c) and header output (cleanup_out.c) do. Called by
 * content-stream.ts, which hands each header on to header_checks, the address rewriting and
 * the header pass (headers.ts), and by headers.ts (cutHeader).
 *
 * Reading (HeaderBlockReader, line by line as the content arrives; primaryHeaderBlock for all
 * lines at once):
 *   - the content arrives as records of at most line_length_limit bytes (smtpd(8) and
 *     sendmail(1) cut longer lines there); a record that begins with a header name and a colon
 *     starts a header, one that begins with a space or TAB continues it, a record that ended
 *     without a line end is continued by the next one; anything else (an empty line, a
 *     "From " line, a line without a colon) ends the block, and a separating empty line is
 *     written before the body when the block did not end with one;
 *   - "Name : value" is stored as "Name: value" (white space before the colon is dropped,
 *     RFC 5322 section 4.5.1 obsolete syntax);
 *   - each record is kept up to its first NUL byte: the rest of that record is lost (the NUL
 *     itself never reaches the queue file's header part); body lines keep their NUL bytes;
 *   - once a header holds header_size_limit bytes, further records of it are dropped without a
 *     word (cleanup does not ask the reader to report the truncation).
 * Writing (cutHeader): a header longer than header_size_limit is cut at the last line boundary
 * when that keeps at least 90% of the limit, else inside the line at exactly the limit.
 */

/** The parameters the header reader follows (main.cf names in the comments). */
export interface HeaderBlockLimits {
  /** line_length_limit: the record size the content was cut into. */
  lineLengthLimit: number;
  /** header_size_limit: bytes kept per header, its line breaks included. */
  headerSizeLimit: number;
}

/** The share of header_size_limit a cut at a line boundary must keep ("nice cut"). */
const NICE_CUT_SHARE = 0.9;

/** The length of the header name at the start of a record (0: not a header; global/is-header.ts). */
export { headerNameLength } from '../../global/is-header.ts';
import { headerNameLength } from '../../global/is-header.ts';

/** A record as the header buffer keeps it: up to its first NUL. */
function upToNul(record: string): string {
  const nul = record.indexOf('\0');
  return nul < 0 ? record : record.slice(0, nul);
}

/** A line as the records it arrived in (an empty line is one empty record). */
function records(line: string, limit: number): string[] {
  if (line.length <= limit) return [line];
  const out: string[] = [];
  for (let at = 0; at < line.length; at += limit) out.push(line.slice(at, at + limit));
  return out;
}

/** What one content line completes: a header, the end of the header block, or a body line. */
export type BlockItem = { header: string[] } | { end: true } | { body: string };

/**
 * The primary header block read line by line, as cleanup reads the records while they arrive:
 * a header is complete only when the next line does not continue it (or at the end of the
 * content), and the block ends at the first line that is not a header.
 */
export class HeaderBlockReader {
  private header: string[] | null = null;
  private size = 0;
  private ended = false;

  constructor(private readonly limits: HeaderBlockLimits) {}

  /** The header block has ended: every further line is body. */
  get inBody(): boolean {
    return this.ended;
  }

  /** One content line (without its LF); the items it completes, in order. */
  line(line: string): BlockItem[] {
    if (this.ended) return [{ body: line }];
    const out: BlockItem[] = [];
    const recs = records(line, this.limits.lineLengthLimit);
    for (let r = 0; r < recs.length; r++) {
      const rec = recs[r]!;
      if (this.header && (r > 0 || rec.startsWith(' ') || rec.startsWith('\t'))) {
        this.extend(rec, r > 0);
        continue;
      }
      if (this.header) out.push({ header: this.header });
      this.header = null;
      const nameLength = headerNameLength(rec);
      if (nameLength === 0) {
        // Not a header: the block ends here; the body gets its separating empty line.
        this.ended = true;
        out.push({ end: true });
        if (line !== '') out.push({ body: '' });
        out.push({ body: line });
        return out;
      }
      const first = rec.slice(0, nameLength) + upToNul(rec.slice(nameLength).replace(/^[ \t]+/, ''));
      this.header = [first];
      this.size = first.length;
    }
    return out;
  }

  /** The end of the content: the header still open, if any (the block then ends without a body). */
  finish(): BlockItem[] {
    const h = this.header;
    this.header = null;
    if (this.ended) return [];
    this.ended = true;
    return h ? [{ header: h }, { end: true }] : [{ end: true }];
  }

  /** A record that continues the open header: the rest of a long line, or a folded line. */
  private extend(rec: string, sameLine: boolean): void {
    // Past header_size_limit further records are dropped without a word.
    if (this.size >= this.limits.headerSizeLimit) return;
    const kept = upToNul(rec);
    const h = this.header!;
    if (sameLine) {
      h[h.length - 1] += kept;
      this.size += kept.length;
    } else {
      h.push(kept);
      this.size += 1 + kept.length;
    }
  }
}

/**
 * The content lines with the primary header block as cleanup keeps it: normalised, cut at NUL
 * bytes and header_size_limit, and always followed by an empty line when a body follows.
 */
export function primaryHeaderBlock(lines: string[], limits: HeaderBlockLimits): string[] {
  const reader = new HeaderBlockReader(limits);
  const out: string[] = [];
  const take = (items: BlockItem[]) => {
    for (const item of items) {
      if ('header' in item) out.push(...item.header);
      else if ('body' in item) out.push(item.body);
    }
  };
  for (const line of lines) take(reader.line(line));
  take(reader.finish());
  return out;
}

/** One header's lines as written to the queue file: cut to header_size_limit bytes. */
export function cutHeader(lines: string[], headerSizeLimit: number): string[] {
  const out: string[] = [];
  let offset = 0;
  for (const line of lines) {
    if (offset + line.length > headerSizeLimit) {
      if (offset > NICE_CUT_SHARE * headerSizeLimit) break;
      out.push(line.slice(0, headerSizeLimit - offset));
      break;
    }
    out.push(line);
    offset += line.length + 1;
  }
  return out;
}
