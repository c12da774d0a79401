/**
 * Postfix's internal attribute protocol: encoders and incremental decoders.
 *
 * Two wire encodings are implemented (see attr_print0(3), attr_scan0(3), attr_scan_plain(3) and
 * postfix-internals.md §1):
 *   - "attr0":  name NUL value NUL ... NUL        (every daemon except anvil and policy)
 *   - "plain":  name=value LF ... LF              (anvil, smtpd policy servers)
 * An attribute list is an ordered list of (name, value) pairs; the same name may appear twice
 * (trivial-rewrite's resolve reply has two `flags`). Integers travel as unsigned decimal, so a
 * negative int is sent as its 32-bit two's complement (-1 → 4294967295).
 *
 * Used by reference/skeleton/multi-server.ts and client.ts, by every socket-facing reference service
 * and by the harness clients that talk to real Postfix daemons.
 */

export type AttrEncoding = 'attr0' | 'plain';

/** One attribute; values are strings (integers are converted with attrInt / toAttrValue). */
export type Attr = [name: string, value: string];
export type AttrList = Attr[];

/** Value as sent for an integer attribute: unsigned decimal, negatives as uint32. */
export function attrInt(n: number): string {
  if (!Number.isInteger(n)) throw new TypeError(`attribute integer expected, got ${n}`);
  return String(n < 0 ? (n >>> 0) : n);
}

/** Parse an integer attribute value as Postfix does for INT (uint32 cast to int32). */
export function parseAttrInt(value: string): number {
  if (!/^\d+$/.test(value)) throw new AttrProtocolError(`bad integer attribute value: ${JSON.stringify(value)}`);
  const n = Number(value);
  if (n > 0xffffffff) throw new AttrProtocolError(`integer attribute out of range: ${value}`);
  return n | 0;
}

export class AttrProtocolError extends Error {}

/** Accepts a list of pairs or a plain object (object order is kept). */
export type AttrInput = AttrList | Record<string, string | number>;

function toList(input: AttrInput): AttrList {
  if (Array.isArray(input)) return input;
  return Object.entries(input).map(([k, v]) => [k, typeof v === 'number' ? attrInt(v) : v]);
}

/** Encode one complete attribute list (with its terminator). */
export function encodeAttrs(input: AttrInput, encoding: AttrEncoding = 'attr0'): Buffer {
  const parts: Buffer[] = [];
  for (const [name, value] of toList(input)) {
    if (encoding === 'attr0') {
      if (name.includes('\0') || value.includes('\0')) throw new AttrProtocolError('NUL byte in attribute');
      parts.push(Buffer.from(`${name}\0${value}\0`, 'utf8'));
    } else {
      if (/[\n=]/.test(name) || value.includes('\n')) throw new AttrProtocolError('bad character in plain attribute');
      parts.push(Buffer.from(`${name}=${value}\n`, 'utf8'));
    }
  }
  parts.push(Buffer.from(encoding === 'attr0' ? '\0' : '\n'));
  return Buffer.concat(parts);
}

/**
 * Incremental decoder: feed it chunks as they arrive from a stream; it returns every attribute
 * list completed so far. Lists may be split anywhere, also inside a multi-byte character.
 */
export class AttrDecoder {
  private pending: Buffer = Buffer.alloc(0);
  private current: AttrList = [];
  /** attr0: the name read for which a value is awaited. */
  private name: string | null = null;

  constructor(readonly encoding: AttrEncoding = 'attr0') {}

  /** True when a list has started but not ended (EOF now would be a protocol error). */
  get midList(): boolean {
    return this.pending.length > 0 || this.current.length > 0 || this.name !== null;
  }

  push(chunk: Buffer): AttrList[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const done: AttrList[] = [];
    const sep = this.encoding === 'attr0' ? 0 : 0x0a;
    let start = 0;
    for (;;) {
      const end = this.pending.indexOf(sep, start);
      if (end < 0) break;
      const field = this.pending.subarray(start, end).toString('utf8');
      start = end + 1;
      if (this.encoding === 'attr0') {
        if (this.name !== null) {
          this.current.push([this.name, field]);
          this.name = null;
        } else if (field === '') {
          done.push(this.current);
          this.current = [];
        } else {
          this.name = field;
        }
      } else if (field === '') {
        done.push(this.current);
        this.current = [];
      } else {
        const eq = field.indexOf('=');
        // A plain attribute without "=" has an empty value (attr_scan_plain accepts "name\n").
        this.current.push(eq < 0 ? [field, ''] : [field.slice(0, eq), field.slice(eq + 1)]);
      }
    }
    this.pending = this.pending.subarray(start);
    return done;
  }
}

/** Decode a buffer holding complete lists (throws if bytes are left over). */
export function decodeAttrs(buf: Buffer, encoding: AttrEncoding = 'attr0'): AttrList[] {
  const d = new AttrDecoder(encoding);
  const lists = d.push(buf);
  if (d.midList) throw new AttrProtocolError('incomplete attribute list');
  return lists;
}

/** The names of a list, comma-separated: what a STRICT request parser compares with the names it wants, in order. */
export function attrNames(list: AttrList): string {
  return list.map(([n]) => n).join(',');
}

/** First value of an attribute in a list, or undefined. */
export function attrGet(list: AttrList, name: string): string | undefined {
  return list.find(([n]) => n === name)?.[1];
}

/** The announcement a server sends on accept (Postfix ≥ 3.6): `protocol` = name. */
export function announcement(protocol: string, encoding: AttrEncoding = 'attr0', extra: AttrList = []): Buffer {
  return encodeAttrs([['protocol', protocol], ...extra], encoding);
}

/** Well-known protocol names (mail_proto.h), byte-exact, including verify's misspelling. */
export const PROTOCOL_NAMES = {
  anvil: 'anvil_protocol',
  bounce: 'delivery_status_protocol',
  cleanup: 'cleanup_protocol',
  delivery: 'delivery_request_protocol',
  flush: 'queue_flush_protocol',
  postdrop: 'postdrop_protocol',
  proxymap: 'proxymap_protocol',
  scache: 'connection_cache_protocol',
  showq: 'mail_queue_list_protocol',
  tlsmgr: 'tlsmgr_protocol',
  tlsproxy: 'tlsproxy_protocol',
  rewrite: 'trivial_rewrite_protocol',
  verify: 'address_verification_prrotocol',
} as const;
