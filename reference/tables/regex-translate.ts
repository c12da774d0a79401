/**
 * Translation of the regular expressions in Postfix's regexp: (POSIX regcomp, regexp_table(5))
 * and pcre: (PCRE, pcre_table(5)) tables into JavaScript RegExp source.
 *
 * Handled: POSIX bracket expressions (backslash is literal inside [...], "]" first is literal,
 * [:class:] names), GNU \< \> word boundaries, basic (non-extended) REs when the "x" flag turns
 * REG_EXTENDED off; for PCRE: [:class:] names, \A \z \Z, (?P<name>...), and the "x" flag
 * (blanks and #-comments dropped). Known differences: POSIX picks the leftmost-LONGEST match
 * (JS: leftmost-first), which only matters for which alternative fills a $n group; PCRE's
 * U (ungreedy) flag, possessive quantifiers and atomic groups are rejected.
 */

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alpha: 'A-Za-z',
  digit: '0-9',
  alnum: '0-9A-Za-z',
  upper: 'A-Z',
  lower: 'a-z',
  space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t',
  punct: '!-\\/:-@\\[-`{-~',
  print: ' -~',
  graph: '!-~',
  cntrl: '\\x00-\\x1f\\x7f',
  xdigit: '0-9A-Fa-f',
  word: '0-9A-Za-z_',
};

/** Translate a bracket expression starting at src[start] === "["; returns JS text and end index. */
function bracket(src: string, start: number, backslashEscapes: boolean): { js: string; end: number } {
  let i = start + 1;
  let js = '[';
  if (src[i] === '^') {
    js += '^';
    i++;
  }
  let first = true;
  for (; i < src.length; i++) {
    const ch = src[i];
    if (ch === ']' && !first) return { js: js + ']', end: i + 1 };
    first = false;
    if (ch === '[' && src[i + 1] === ':') {
      const close = src.indexOf(':]', i + 2);
      const cls = close < 0 ? undefined : POSIX_CLASSES[src.slice(i + 2, close)];
      if (cls === undefined) throw new SyntaxError(`invalid character class in "${src}"`);
      js += cls;
      i = close + 1;
    } else if (ch === '\\') {
      if (backslashEscapes && i + 1 < src.length) {
        js += src[i] + src[++i];
      } else js += '\\\\';
    } else if (ch === ']' || ch === '[' || ch === '/') {
      js += `\\${ch}`;
    } else js += ch;
  }
  throw new SyntaxError(`brackets ([ ]) not balanced in "${src}"`);
}

/** POSIX regcomp pattern (extended unless `extended` is false) → JS source. */
export function posixToJs(src: string, extended: boolean): string {
  let js = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '[') {
      const b = bracket(src, i, false);
      js += b.js;
      i = b.end - 1;
    } else if (ch === '\\') {
      const next = src[++i];
      if (next === undefined) throw new SyntaxError(`trailing backslash in "${src}"`);
      if (next === '<') js += '\\b(?=\\w)';
      else if (next === '>') js += '\\b(?<=\\w)';
      else if (!extended && '(){}|+?'.includes(next)) js += next;
      else if (/[0-9A-Za-z]/.test(next) && !'wWsSbB123456789'.includes(next)) js += next;
      else js += `\\${next}`;
    } else if (!extended && '(){}|+?'.includes(ch)) {
      js += `\\${ch}`;
    } else if (ch === '/') {
      js += '\\/';
    } else js += ch;
  }
  return js;
}

/** PCRE pattern → JS source; `extendedSyntax` is the PCRE "x" flag. */
export function pcreToJs(src: string, extendedSyntax: boolean): string {
  let js = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (ch === '[') {
      const b = bracket(src, i, true);
      js += b.js;
      i = b.end - 1;
    } else if (ch === '\\') {
      const next = src[++i];
      if (next === undefined) throw new SyntaxError(`\\ at end of pattern "${src}"`);
      if (next === 'A') js += '^';
      else if (next === 'z') js += '$(?![\\s\\S])';
      else if (next === 'Z') js += '(?=\\n?$(?![\\s\\S]))';
      else js += `\\${next}`;
    } else if (extendedSyntax && /\s/.test(ch)) {
      continue;
    } else if (extendedSyntax && ch === '#') {
      while (i < src.length && src[i] !== '\n') i++;
    } else if (ch === '(' && src.startsWith('?P<', i + 1)) {
      js += '(?<';
      i += 3;
    } else if (ch === '(' && src.startsWith('?>', i + 1)) {
      throw new SyntaxError(`atomic groups are not supported: "${src}"`);
    } else if ('*+?}'.includes(ch) && src[i + 1] === '+') {
      throw new SyntaxError(`possessive quantifiers are not supported: "${src}"`);
    } else js += ch;
  }
  return js;
}

/** Number of capturing groups in a JS pattern source. */
export function groupCount(jsSource: string): number {
  return new RegExp(`${jsSource}|`).exec('')!.length - 1;
}
