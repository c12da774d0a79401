/**
 * cidr:/path tables (cidr_table(5)): ordered rules "network/prefix result", "address result",
 * "!network/prefix result" and "if network/prefix" ... "endif"; the first matching rule wins.
 * IPv6 networks may be written with or without [ ]. A key that is not an IP address matches
 * nothing. Broken rules (bad mask, non-null host bits, no result) are skipped with a warning.
 */
import { logicalLines } from '../config/index.ts';
import { readTableFile } from './fold.ts';
import type { Table } from './types.ts';

interface Net {
  bytes: number[];
  prefix: number;
  match: boolean;
}

type Rule = { op: 'match'; net: Net; value: string } | { op: 'if'; net: Net; endIndex: number } | { op: 'endif' };

/** Parse an IPv4 (dotted quad, no leading zeros) or IPv6 address to bytes, as inet_pton does. */
export function parseIp(text: string): number[] | null {
  return text.includes(':') ? parseIpv6(text) : parseIpv4(text);
}

function parseIpv4(text: string): number[] | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = parts.map((p) => (/^(0|[1-9]\d{0,2})$/.test(p) ? Number(p) : 256));
  return bytes.every((b) => b <= 255) ? bytes : null;
}

function parseIpv6(text: string): number[] | null {
  let words: string[] = [];
  let v4: number[] = [];
  const lastColon = text.lastIndexOf(':');
  let head = text;
  if (text.slice(lastColon + 1).includes('.')) {
    const parsed = parseIpv4(text.slice(lastColon + 1));
    if (!parsed) return null;
    v4 = parsed;
    head = text.slice(0, lastColon + 1);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const want = v4.length ? 6 : 8;
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parse = (s: string): string[] | null => (s === '' ? [] : s.split(':'));
  const left = parse(halves[0]);
  const right = halves.length === 2 ? parse(halves[1]) : [];
  if (!left || !right) return null;
  if (halves.length === 2) {
    const fill = want - left.length - right.length;
    if (fill < 1) return null;
    words = [...left, ...new Array(fill).fill('0'), ...right];
  } else words = left;
  if (words.length !== want || !words.every((w) => /^[0-9a-fA-F]{1,4}$/.test(w))) return null;
  return [...words.flatMap((w) => [parseInt(w, 16) >> 8, parseInt(w, 16) & 255]), ...v4];
}

function inNet(net: Net, addr: number[]): boolean {
  if (addr.length !== net.bytes.length) return false;
  let bits = net.prefix;
  for (let i = 0; i < addr.length && bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 255 : (0xff << (8 - bits)) & 255;
    if ((addr[i] & mask) !== net.bytes[i]) return false;
  }
  return true;
}

function matches(net: Net, addr: number[]): boolean {
  return addr.length === net.bytes.length && inNet(net, addr) === net.match;
}

class CidrRuleError extends Error {}

function parseNet(text: string, match: boolean): Net {
  let pattern = text;
  let mask: string | undefined;
  if (pattern.startsWith('[')) {
    const close = pattern.indexOf(']');
    if (close < 0) throw new CidrRuleError(`missing ']' character after "${pattern}"`);
    const after = pattern.slice(close + 1);
    if (after && !after.startsWith('/')) throw new CidrRuleError(`garbage after "${pattern.slice(0, close + 1)}"`);
    mask = after ? after.slice(1) : undefined;
    pattern = pattern.slice(1, close);
  } else if (pattern.includes('/')) {
    [pattern, mask] = [pattern.slice(0, pattern.indexOf('/')), pattern.slice(pattern.indexOf('/') + 1)];
  }
  const bytes = parseIp(pattern);
  const bits = pattern.includes(':') ? 128 : 32;
  if (mask === undefined) {
    if (!bytes) throw new CidrRuleError(`bad address pattern: "${text}"`);
    return { bytes, prefix: bits, match };
  }
  if (!/^\d+$/.test(mask)) throw new CidrRuleError(`bad mask value in "${pattern}/${mask}"`);
  const prefix = Number(mask);
  if (prefix > bits) throw new CidrRuleError(`bad mask length in "${pattern}/${mask}"`);
  if (!bytes) throw new CidrRuleError(`bad network value in "${pattern}/${mask}"`);
  if (bytes.some((b, i) => b !== maskByte(b, i, prefix))) {
    throw new CidrRuleError(`non-null host address bits in "${pattern}/${mask}"`);
  }
  return { bytes, prefix, match };
}

function maskByte(b: number, index: number, prefix: number): number {
  const bits = Math.max(0, Math.min(8, prefix - index * 8));
  return b & ((0xff << (8 - bits)) & 255);
}

function parseRule(text: string): Rule {
  const negations = (s: string): { match: boolean; rest: string } => {
    let match = true;
    let i = 0;
    for (; i < s.length && (s[i] === '!' || /\s/.test(s[i])); i++) if (s[i] === '!') match = !match;
    return { match, rest: s.slice(i) };
  };
  if (/^if(?![A-Za-z0-9])/i.test(text)) {
    const { match, rest } = negations(text.slice(2));
    if (!rest.trim()) throw new CidrRuleError('no address pattern');
    return { op: 'if', net: parseNet(rest.trim(), match), endIndex: -1 };
  }
  if (/^endif(?![A-Za-z0-9])/i.test(text)) {
    if (text.slice(5).trim()) throw new CidrRuleError('garbage after ENDIF');
    return { op: 'endif' };
  }
  const { match, rest } = negations(text);
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest);
  if (!m) throw new CidrRuleError('no address pattern');
  const net = parseNet(m[1], match);
  const value = m[2].trim();
  if (!value) throw new CidrRuleError('no lookup result');
  return { op: 'match', net, value };
}

export function openCidr(path: string): Table {
  const warnings: string[] = [];
  const rules: Rule[] = [];
  const openIfs: number[] = [];
  for (const { text, line } of logicalLines(readTableFile(path, false))) {
    try {
      const rule = parseRule(text.trim());
      if (rule.op === 'endif') {
        const i = openIfs.pop();
        if (i === undefined) throw new CidrRuleError('ENDIF without IF');
        (rules[i] as Extract<Rule, { op: 'if' }>).endIndex = rules.length;
      } else if (rule.op === 'if') openIfs.push(rules.length);
      rules.push(rule);
    } catch (err) {
      if (!(err instanceof CidrRuleError)) throw err;
      warnings.push(`cidr map ${path}, line ${line}: ${err.message}: skipping this rule`);
    }
  }
  const lookupNow = (key: string): string | null => {
    const addr = parseIp(key);
    if (!addr) return null;
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (rule.op === 'match' && matches(rule.net, addr)) return rule.value;
      if (rule.op === 'if' && !matches(rule.net, addr)) {
        if (rule.endIndex < 0) return null;
        i = rule.endIndex;
      }
    }
    return null;
  };
  return { type: 'cidr', name: path, warnings, lookupNow, lookup: async (key) => lookupNow(key), close: async () => {} };
}
