/**
 * $name expansion of main.cf values, with the semantics of Postfix's mac_expand(3) as used by
 * `postconf -x` and the daemons (postconf(5) "parameter expansion"):
 *
 *   $name  ${name}  $(name)         the value of name (empty when undefined), expanded again
 *   ${name?text}   ${name?{text}}   text when name is non-empty, else nothing
 *   ${name:text}   ${name:{text}}   text when name is empty or undefined, else nothing
 *   ${name?{t1}:{t2}}               t1 when name is non-empty, else t2
 *   ${{a} op {b} ? {t1} : {t2}}     relational test; op is == != < <= >= > (numeric when both
 *                                   sides are all digits) or the same with the "level" suffix
 *                                   (<level, ==level ...) comparing compatibility levels
 *   $$                              a literal $
 *
 * A syntax error throws ExpandError. Recursion is limited to 100 nested references, as in Postfix.
 */

export class ExpandError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpandError';
  }
}

/** Returns the raw (unexpanded) value of a name, or undefined when the name is not defined. */
export type ExpandLookup = (name: string) => string | undefined;

const MAX_DEPTH = 100;
const WS = ' \t\r\n';
const OPERATORS = ['==', '!=', '<', '<=', '>=', '>'] as const;
type Operator = (typeof OPERATORS)[number];

/** Expand every $reference in value, recursively (values of names are expanded as well). */
export function expandValue(value: string, lookup: ExpandLookup): string {
  return new Expander(lookup).expand(value, 0);
}

type Piece = { kind: 'literal'; text: string } | { kind: 'ref'; text: string };

/** Split text into literal runs and $reference bodies (mac_parse). */
export function splitReferences(text: string): Piece[] {
  const pieces: Piece[] = [];
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch !== '$') {
      literal += ch;
      i++;
      continue;
    }
    if (text[i + 1] === '$') {
      literal += '$';
      i += 2;
      continue;
    }
    if (literal) pieces.push({ kind: 'literal', text: literal });
    literal = '';
    i++;
    let body: string;
    const open = text[i];
    if (open === '{' || open === '(') {
      const close = open === '{' ? '}' : ')';
      let depth = 1;
      let j = i + 1;
      for (; j < text.length; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close && --depth === 0) break;
      }
      if (depth > 0) throw new ExpandError(`truncated macro reference: "${text}"`);
      body = text.slice(i + 1, j);
      i = j + 1;
    } else {
      const m = /^[A-Za-z0-9_]*/.exec(text.slice(i))![0];
      body = m;
      i += m.length;
    }
    if (body === '') throw new ExpandError(`empty macro name: "${text}"`);
    pieces.push({ kind: 'ref', text: body });
  }
  if (literal) pieces.push({ kind: 'literal', text: literal });
  return pieces;
}

class Expander {
  constructor(private readonly lookup: ExpandLookup) {}

  expand(text: string, depth: number): string {
    let out = '';
    for (const piece of splitReferences(text)) {
      out += piece.kind === 'literal' ? piece.text : this.reference(piece.text, depth + 1);
    }
    return out;
  }

  private reference(body: string, depth: number): string {
    if (depth > MAX_DEPTH) throw new ExpandError(`unreasonable macro call nesting: "${body}"`);
    let cursor = skipWs(body, 0);
    let value: string | undefined;
    if (body[cursor] === '{') {
      const rel = this.relational(body, cursor, depth);
      value = rel.value;
      cursor = rel.end;
      if (cursor < body.length && body[cursor] !== '?' && body[cursor] !== ':') {
        throw new ExpandError(`"?" or ":" expected at: "...}>>>${body.slice(cursor, cursor + 20)}"`);
      }
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(body.slice(cursor));
      const name = m ? m[0] : '';
      const after = skipWs(body, cursor + name.length);
      if (!name || (after < body.length && body[after] !== '?' && body[after] !== ':')) {
        const at = cursor + name.length;
        throw new ExpandError(`attribute name syntax error at: "...${body.slice(0, at)}>>>${body.slice(at, at + 20)}"`);
      }
      value = this.lookup(name);
      cursor = after;
    }
    if (cursor >= body.length) {
      // Plain reference (or a bare relational expression, which yields "true" or "").
      return value ? this.expand(value, depth) : '';
    }
    const nonEmpty = value !== undefined && value !== '';
    let out = '';
    if (body[cursor] === '?') {
      const branch = this.branch(body, cursor + 1);
      if (nonEmpty) out += this.expand(branch.text, depth);
      cursor = branch.end;
      if (cursor >= body.length) return out;
      if (body[cursor] !== ':') {
        throw new ExpandError(`":" expected at: "...${branch.text}}>>>${body.slice(cursor, cursor + 20)}"`);
      }
    }
    const branch = this.branch(body, cursor + 1);
    if (!nonEmpty) out += this.expand(branch.text, depth);
    if (branch.end < body.length) {
      throw new ExpandError(`unexpected input at: "...${branch.text}}>>>${body.slice(branch.end, branch.end + 20)}"`);
    }
    return out;
  }

  /** One conditional branch: "{text}" (surrounding whitespace ignored) or the rest of the body. */
  private branch(body: string, start: number): { text: string; end: number } {
    const at = skipWs(body, start);
    if (body[at] !== '{') return { text: body.slice(start), end: body.length };
    const { payload, end } = curly(body, at);
    return { text: payload, end: skipWs(body, end) };
  }

  private relational(body: string, start: number, depth: number): { value: string; end: number } {
    const left = curly(body, start);
    let cursor = skipWs(body, left.end);
    const opText = /^[<>!=?+\-*/~&|%]*/.exec(body.slice(cursor))![0];
    if (!(OPERATORS as readonly string[]).includes(opText)) {
      throw new ExpandError(
        `"==" or "!=" or "<" or "<=" or ">=" or ">" expected at: "...${left.payload}}>>>${body.slice(cursor, cursor + 20)}"`,
      );
    }
    cursor += opText.length;
    const suffix = /^[A-Za-z0-9]*/.exec(body.slice(cursor))![0];
    if (suffix && suffix !== 'level') {
      throw new ExpandError(`bad operator suffix at: "...${opText}>>>${suffix}"`);
    }
    cursor = skipWs(body, cursor + suffix.length);
    if (body[cursor] !== '{') {
      throw new ExpandError(`"{expression}" expected at: "...{${left.payload}} ${opText}>>>${body.slice(cursor, cursor + 20)}"`);
    }
    const right = curly(body, cursor);
    const a = this.expand(left.payload, depth);
    const b = this.expand(right.payload, depth);
    const delta = suffix === 'level' ? compareLevels(a, b) : compareValues(a, b);
    return { value: applyOperator(opText as Operator, delta) ? 'true' : '', end: skipWs(body, right.end) };
  }
}

function skipWs(text: string, i: number): number {
  while (i < text.length && WS.includes(text[i])) i++;
  return i;
}

/** text[start] is "{": return the balanced payload and the index after the closing "}". */
function curly(text: string, start: number): { payload: string; end: number } {
  let depth = 0;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '{') depth++;
    else if (text[i] === '}' && --depth === 0) return { payload: text.slice(start + 1, i), end: i + 1 };
  }
  throw new ExpandError(`unbalanced {} in attribute expression: "${text}"`);
}

function compareValues(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) return Math.sign(Number(a) - Number(b));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Parse a compatibility level "major[.minor[.patch]]" into a comparable triple. */
export function parseCompatLevel(text: string): [number, number, number] {
  const m = /^(\d+)(?:\.(\d+)(?:\.(\d+))?)?$/.exec(text);
  if (!m) throw new ExpandError(`malformed compatibility level syntax: "${text}"`);
  return [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
}

function compareLevels(a: string, b: string): number {
  const x = parseCompatLevel(a);
  const y = parseCompatLevel(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return Math.sign(x[i] - y[i]);
  return 0;
}

function applyOperator(op: Operator, delta: number): boolean {
  switch (op) {
    case '==':
      return delta === 0;
    case '!=':
      return delta !== 0;
    case '<':
      return delta < 0;
    case '<=':
      return delta <= 0;
    case '>=':
      return delta >= 0;
    case '>':
      return delta > 0;
  }
}
