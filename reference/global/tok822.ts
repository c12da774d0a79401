/**
 * A flat RFC 822 address tokenizer with Postfix's quirks, used by trivial-rewrite's rewrite and
 * resolve steps (the behaviour of tok822_scan / tok822_internalize / quote_822_local in Postfix's
 * global library, re-expressed). One address is a flat list of tokens: atoms, quoted strings,
 * domain literals, comments and single-character operators (`@ . % ! : , < > ; | ) ]`).
 *
 * `owned` mirrors one detail of Postfix's token tree: tokens placed into an empty address list
 * belong to it, and between two owned tokens no blank is inserted when the list is turned back
 * into a string; tokens straight from the scanner get a blank between adjacent words.
 */

export type TokType = 'atom' | 'qstring' | 'domlit' | 'comment' | string; // string = one operator char

export interface Tok {
  type: TokType;
  text: string;
  owned: boolean;
}

const OPERATORS = '|%!()<>@,;:\\".[]';
const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';

/** Collect chars while cond holds; backslash escapes the next char; blanks become ' '. */
function collect(s: string, i: number, cond: (c: string) => boolean): [string, number] {
  let out = '';
  while (i < s.length) {
    let c = s[i];
    if (c === '\\') {
      if (i + 1 >= s.length) { i++; break; }
      c = s[++i];
    } else if (!cond(c)) {
      break;
    }
    out += isBlank(c) ? ' ' : c;
    i++;
  }
  return [out, i];
}

function isControl(c: string): boolean {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

/** Tokenize an (external-form) address string. */
export function scan(s: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i];
    if (isBlank(c)) { i++; continue; }
    if (c === '(') {
      let text = '(';
      let level = 1;
      i++;
      while (i < s.length) {
        const d = s[i++];
        text += d;
        if (d === '(') level++;
        else if (d === ')') { if (--level === 0) break; }
        else if (d === '\\') { if (i >= s.length) break; text += s[i++]; }
      }
      toks.push({ type: 'comment', text, owned: false });
    } else if (c === '[' || c === '"') {
      const close = c === '[' ? ']' : '"';
      const [text, j] = collect(s, i + 1, (d) => d !== close);
      i = j < s.length ? j + 1 : j;
      toks.push({ type: c === '[' ? 'domlit' : 'qstring', text, owned: false });
    } else if (c !== '\\' && OPERATORS.includes(c)) {
      toks.push({ type: c, text: c, owned: false });
      i++;
    } else {
      const [text, j] = collect(s, i, (d) => !isBlank(d) && !OPERATORS.includes(d));
      i = j;
      // An atom holding specials (via backslash) is really a quoted string.
      const special = [...text].some((d) => d === ' ' || isControl(d) || OPERATORS.includes(d));
      toks.push({ type: special ? 'qstring' : 'atom', text, owned: false });
    }
  }
  return toks;
}

const isWord = (t: Tok) => t.type === 'atom' || t.type === 'qstring' || t.type === 'comment' || t.type === 'domlit';

/** Tokens back to a string in internal (unquoted) form. */
export function internalize(toks: Tok[]): string {
  let out = '';
  toks.forEach((t, k) => {
    out += t.type === 'domlit' ? `[${t.text}]` : t.text;
    const next = toks[k + 1];
    if (next && !t.owned && (t.type === ',' || next.type === '<' || (isWord(t) && isWord(next)))) out += ' ';
  });
  return out;
}

const isEightBit = (c: string) => c.charCodeAt(0) > 0x7f;

/**
 * Is the local part text an RFC 822 dot-string? 8-bit characters are allowed unless the
 * quoting is not 8-bit clean.
 */
function isDotString(local: string, eightBitClean: boolean): boolean {
  if (local === '' || local[0] === '.' || local.endsWith('.') || local.includes('..')) return false;
  for (const c of local) {
    if (!eightBitClean && isEightBit(c)) return false;
    if (c === ' ' || isControl(c) || '()<>@,;:\\"[]'.includes(c)) return false;
  }
  return true;
}

/** Inside the quotes: a backslash before `"`, `\`, CR and, unless 8-bit clean, each 8-bit character. */
const needsBackslash = (c: string, eightBitClean: boolean) => c === '"' || c === '\\' || c === '\r' || (!eightBitClean && isEightBit(c));

/**
 * Quote the local part of an internal-form address when it is not a dot-string (quote_822_local):
 * a source route `@a,@b:` is left alone; the local part ends at the right-most `@`.
 * `eightBitClean` false is quote_822_local_flags() without QUOTE_FLAG_8BITCLEAN, as bounce(8)
 * quotes the sender of its notices: given a byte string, every 8-bit byte then forces quoting and
 * gets its own backslash.
 */
export function quoteLocal(addr: string, bareLocalPart = false, eightBitClean = true): string {
  let start = 0;
  if (addr[0] === '@') {
    const colon = addr.indexOf(':');
    if (colon >= 0) start = colon + 1;
  }
  const at = bareLocalPart ? -1 : addr.lastIndexOf('@');
  const end = at >= start ? at : addr.length;
  const local = addr.slice(start, end);
  if (isDotString(local, eightBitClean)) return addr;
  const quoted = [...local].map((c) => (needsBackslash(c, eightBitClean) ? '\\' + c : c)).join('');
  return `${addr.slice(0, start)}"${quoted}"${addr.slice(end)}`;
}

/** Tokens to external form: internalize, then quote the local part. */
export function externalize(toks: Tok[]): string {
  return quoteLocal(internalize(toks));
}

/* ---- list helpers with Postfix's ownership rule ---- */

function adopt(added: Tok[], neighbour: Tok | undefined): Tok[] {
  const owned = neighbour ? neighbour.owned : true;
  return added.map((t) => ({ ...t, owned }));
}

export function appendToks(list: Tok[], added: Tok[]): void {
  list.push(...adopt(added, list[list.length - 1]));
}

export function prependToks(list: Tok[], added: Tok[]): void {
  list.unshift(...adopt(added, list[0]));
}

export const op = (c: string): Tok => ({ type: c, text: c, owned: false });

export function lastIndexOfType(list: Tok[], type: TokType): number {
  for (let k = list.length - 1; k >= 0; k--) if (list[k].type === type) return k;
  return -1;
}
