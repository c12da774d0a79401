/**
 * regexp:/path and pcre:/path tables (regexp_table(5), pcre_table(5)): an ordered list of
 *
 *   /pattern/flags result          first matching rule wins; result may use $1 ${1} $(1), $$ = "$"
 *   !/pattern/flags result         matches when the pattern does not (no $n allowed)
 *   /pat1/!/pat2/ result           pat1 matches and pat2 does not (legacy form)
 *   if /pattern/flags ... endif    the enclosed rules apply only when the pattern matches
 *
 * Any non-blank character may delimit a pattern. Patterns are case-insensitive unless the "i"
 * flag toggles that off. Keys are matched as given (never case-folded). A $n for a group that
 * did not take part in the match expands to nothing. Broken rules are skipped with a warning,
 * as Postfix does; the table still opens.
 */
import { logicalLines } from '../config/index.ts';
import { readTableFile } from './fold.ts';
import { groupCount, pcreToJs, posixToJs } from './regex-translate.ts';
import type { Table } from './types.ts';

type Flavour = 'regexp' | 'pcre';

interface Pattern {
  re: RegExp;
  /** false for a !/negated/ pattern */
  match: boolean;
  groups: number;
}

type Rule =
  | { op: 'match'; first: Pattern; second?: Pattern; result: ResultPart[]; line: number }
  | { op: 'if'; pattern: Pattern; endIndex: number; line: number }
  | { op: 'endif'; line: number };

/** A result: literal text and $n references. */
type ResultPart = string | number;

class RuleError extends Error {}

export function openPatternTable(flavour: Flavour, path: string): Table {
  const warnings: string[] = [];
  const rules: Rule[] = [];
  const openIfs: number[] = [];
  for (const { text, line } of logicalLines(readTableFile(path, false))) {
    try {
      const rule = parseRule(flavour, text.trim(), line);
      if (rule.op === 'endif') {
        const ifIndex = openIfs.pop();
        if (ifIndex === undefined) throw new RuleError('ignoring ENDIF without matching IF');
        rules.push(rule);
        (rules[ifIndex] as Extract<Rule, { op: 'if' }>).endIndex = rules.length - 1;
        continue;
      }
      if (rule.op === 'if') openIfs.push(rules.length);
      rules.push(rule);
    } catch (err) {
      if (!(err instanceof RuleError)) throw err;
      warnings.push(`${flavour} map ${path}, line ${line}: ${err.message}`);
    }
  }
  for (const i of openIfs) warnings.push(`${flavour} map ${path}, line ${rules[i].line}: IF has no matching ENDIF`);
  return {
    type: flavour,
    name: path,
    warnings,
    lookup: async (key) => lookup(rules, key),
    lookupNow: (key) => lookup(rules, key),
    close: async () => {},
  };
}

function lookup(rules: Rule[], key: string): string | null {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.op === 'endif') continue;
    if (rule.op === 'if') {
      if (!test(rule.pattern, key)) {
        if (rule.endIndex < 0) return null;
        i = rule.endIndex;
      }
      continue;
    }
    const m = rule.first.re.exec(key);
    if ((m !== null) !== rule.first.match) continue;
    if (rule.second && !test(rule.second, key)) continue;
    return rule.result.map((part) => (typeof part === 'number' ? (m?.[part] ?? '') : part)).join('');
  }
  return null;
}

function test(p: Pattern, key: string): boolean {
  return p.re.test(key) === p.match;
}

function parseRule(flavour: Flavour, text: string, line: number): Rule {
  const ifMatch = /^if(?![A-Za-z0-9])/i.exec(text);
  if (ifMatch) {
    const { pattern, rest } = parsePattern(flavour, text.slice(2));
    if (rest.trim()) throw new RuleError(`ignoring extra text after IF statement: "${rest.trim()}"`);
    return { op: 'if', pattern, endIndex: -1, line };
  }
  if (/^endif(?![A-Za-z0-9])/i.test(text)) {
    if (text.slice(5).trim()) throw new RuleError(`ignoring extra text after ENDIF`);
    return { op: 'endif', line };
  }
  const first = parsePattern(flavour, text);
  let rest = first.rest;
  let second: Pattern | undefined;
  if (rest.startsWith('!')) {
    const s = parsePattern(flavour, rest);
    second = s.pattern;
    rest = s.rest;
  }
  const result = parseResult(rest.trim(), first.pattern);
  if (!first.pattern.match && result.some((p) => typeof p === 'number')) {
    throw new RuleError('$number found in negative match replacement text -- skipping this rule');
  }
  return { op: 'match', first: first.pattern, second, result, line };
}

/** Negations, delimiter, pattern, flags; returns the text after the flags. */
function parsePattern(flavour: Flavour, text: string): { pattern: Pattern; rest: string } {
  let i = 0;
  let match = true;
  for (; i < text.length; i++) {
    if (text[i] === '!') match = !match;
    else if (!/\s/.test(text[i])) break;
  }
  if (i >= text.length) throw new RuleError('no regexp: skipping this rule');
  const delim = text[i++];
  const start = i;
  for (; i < text.length && text[i] !== delim; i++) if (text[i] === '\\' && i + 1 < text.length) i++;
  if (i >= text.length) throw new RuleError(`no closing regexp delimiter "${delim}": skipping this rule`);
  const source = text.slice(start, i++);
  let caseless = true;
  const flags = new Set<string>();
  for (; i < text.length && !/\s/.test(text[i]) && text[i] !== '!'; i++) {
    const f = text[i];
    const allowed = flavour === 'regexp' ? 'imx' : 'imsxAEUX';
    if (!allowed.includes(f)) throw new RuleError(`unknown regexp option "${f}": skipping this rule`);
    if (f === 'i') caseless = !caseless;
    else if (flags.has(f)) flags.delete(f);
    else flags.add(f);
  }
  return { pattern: compile(flavour, source, flags, caseless, match), rest: text.slice(i) };
}

function compile(flavour: Flavour, source: string, flags: Set<string>, caseless: boolean, match: boolean): Pattern {
  let js: string;
  let jsFlags = caseless ? 'i' : '';
  try {
    if (flavour === 'regexp') {
      js = posixToJs(source, !flags.has('x'));
      // Without REG_NEWLINE ("m"), "." and [^...] match a newline and ^ $ only match at the ends.
      jsFlags += flags.has('m') ? 'm' : 's';
    } else {
      if (flags.has('U')) throw new SyntaxError('the U (ungreedy) flag is not supported by the reference');
      js = pcreToJs(source, flags.has('x'));
      if (flags.has('A')) js = `^(?:${js})`;
      if (flags.has('m')) jsFlags += 'm';
      if (flags.has('s')) jsFlags += 's';
    }
    const re = new RegExp(js, jsFlags);
    return { re, match, groups: groupCount(js) };
  } catch (err) {
    throw new RuleError(`${(err as Error).message} -- skipping this rule`);
  }
}

/** Split result text into literals and $n references ($$ = "$"). */
function parseResult(text: string, pattern: Pattern): ResultPart[] {
  const parts: ResultPart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; i++) {
    if (text[i] !== '$') {
      literal += text[i];
      continue;
    }
    if (text[i + 1] === '$') {
      literal += '$';
      i++;
      continue;
    }
    let name: string;
    const open = text[i + 1];
    if (open === '{' || open === '(') {
      const close = text.indexOf(open === '{' ? '}' : ')', i + 2);
      if (close < 0) throw new RuleError(`bad replacement syntax: "${text}" -- skipping this rule`);
      name = text.slice(i + 2, close);
      i = close;
    } else {
      name = /^[A-Za-z0-9_]*/.exec(text.slice(i + 1))![0];
      i += name.length;
    }
    if (!/^\d+$/.test(name)) throw new RuleError(`non-numeric replacement index "${name}" -- skipping this rule`);
    const n = Number(name);
    if (n < 1 || n > pattern.groups) throw new RuleError(`out of range replacement index "${name}": skipping this rule`);
    if (literal) parts.push(literal);
    literal = '';
    parts.push(n);
  }
  if (literal) parts.push(literal);
  return parts;
}
