/**
 * UTF-8 domain → A-label form the way Postfix 3.7 asks ICU for it (midna_domain_to_ascii in
 * Postfix's utility library: UTS #46, non-transitional, without the Bidi and ContextJ rules and
 * without the STD3 ASCII rules, any reported error rejects the name). Node's url.domainToASCII
 * applies the WHATWG profile, which adds the Bidi and ContextJ checks (it rejects e.g. a label
 * mixing Syriac and Georgian letters that Postfix accepts), so it is only used here to learn how
 * UTS #46 maps and allows one code point at a time; the labels are then checked and
 * Punycode-encoded (RFC 3492) here.
 */
import { domainToASCII, domainToUnicode } from 'node:url';
import { allAscii } from './allascii.ts';

/** A neutral left-to-right and a right-to-left prefix, so that no Bidi rule rejects one code point. */
const PREFIXES = ['', 'a', '\u0627'];

/** UTS #46 mapping of one code point (lower-casing, NFKC, ignored → ""), or null when disallowed. */
function mapCodePoint(c: string): string | null {
  if (c.charCodeAt(0) < 0x80) return c.toLowerCase();
  for (const prefix of PREFIXES) {
    const ascii = domainToASCII(prefix + c);
    if (ascii === '') continue;
    const unicode = domainToUnicode(ascii);
    if (unicode.startsWith(prefix)) return unicode.slice(prefix.length);
  }
  return null;
}

/* ---- RFC 3492 Punycode, encoder only ---- */
const BASE = 36;
const T_MIN = 1;
const T_MAX = 26;
const SKEW = 38;
const DAMP = 700;

function adapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / DAMP) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((BASE - T_MIN) * T_MAX) >> 1) {
    d = Math.floor(d / (BASE - T_MIN));
    k += BASE;
  }
  return k + Math.floor(((BASE - T_MIN + 1) * d) / (d + SKEW));
}

const digit = (d: number) => String.fromCharCode(d < 26 ? 97 + d : 22 + d);

export function punycodeEncode(label: string): string {
  const points = [...label].map((c) => c.codePointAt(0)!);
  let out = points.filter((p) => p < 0x80).map((p) => String.fromCharCode(p)).join('');
  const basic = out.length;
  let handled = basic;
  if (basic > 0) out += '-';
  let n = 0x80;
  let delta = 0;
  let bias = 72;
  while (handled < points.length) {
    const m = Math.min(...points.filter((p) => p >= n));
    delta += (m - n) * (handled + 1);
    n = m;
    for (const p of points) {
      if (p < n) delta++;
      if (p !== n) continue;
      let q = delta;
      for (let k = BASE; ; k += BASE) {
        const t = k <= bias ? T_MIN : k >= bias + T_MAX ? T_MAX : k - bias;
        if (q < t) break;
        out += digit(t + ((q - t) % (BASE - t)));
        q = Math.floor((q - t) / (BASE - t));
      }
      out += digit(q);
      bias = adapt(delta, handled + 1, handled === basic);
      delta = 0;
      handled++;
    }
    delta++;
    n++;
  }
  return out;
}

/** One mapped label to its ASCII form, or null on a UTS #46 error Postfix would see. */
function labelToAscii(label: string): string | null {
  if (label === '' || label.startsWith('-') || label.endsWith('-')) return null;
  if (allAscii(label)) {
    // An ASCII label that claims to be an A-label must decode to a valid U-label.
    return label.startsWith('xn--') && domainToASCII(label) === '' ? null : label;
  }
  if (label.slice(2, 4) === '--' || /^\p{M}/u.test(label)) return null;
  return `xn--${punycodeEncode(label)}`;
}

/** The A-label form of a domain name, or null when Postfix's conversion would fail. */
export function domainToAsciiPostfix(name: string): string | null {
  let mapped = '';
  for (const c of name) {
    const m = mapCodePoint(c);
    if (m === null) return null;
    mapped += m;
  }
  const labels = mapped.normalize('NFC').split('.');
  const out: string[] = [];
  for (const label of labels) {
    const ascii = labelToAscii(label);
    if (ascii === null) return null;
    out.push(ascii);
  }
  return out.join('.');
}
