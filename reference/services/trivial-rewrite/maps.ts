/**
 * Table access for trivial-rewrite: Postfix's "maps" (a list of tables searched in order, as
 * maps_find does) and match lists (string_list / domain_list: mydestination, relay_domains,
 * virtual_*_domains), per postconf(5) and match_list / match_hostname behaviour.
 *
 * Tables come from an `OpenTable` function (reference/tables when wired in). A small fallback
 * opener understands inline:{...}, static:, texthash: so the service works and is testable alone.
 */
import { readFileSync } from 'node:fs';

export interface LookupTable {
  /** null = not found; throw = lookup error (the resolver answers FAIL). */
  lookup(key: string): Promise<string | null>;
  /** Postfix's DICT_FLAG_FIXED: true for key/value tables, false for regexp/pcre (full-key only). */
  readonly fixed: boolean;
}

export type OpenTable = (spec: string) => LookupTable;

export class TableLookupError extends Error {}

/** Split a list parameter on commas and blanks, keeping {...} groups together (mystrtokq). */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let cur = '';
  let depth = 0;
  for (const c of value) {
    if (depth === 0 && /[\s,]/.test(c)) {
      if (cur) out.push(cur);
      cur = '';
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}' && depth > 0) depth--;
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

const isTableSpec = (pattern: string) => pattern[0] !== '[' && pattern.includes(':');

/* ---------------- fallback tables ---------------- */

function parseInline(body: string): Map<string, string> {
  const m = new Map<string, string>();
  for (let item of splitList(body)) {
    if (item.startsWith('{') && item.endsWith('}')) item = item.slice(1, -1).trim();
    const eq = item.indexOf('=');
    if (eq < 0) throw new Error(`inline table: missing "=" in ${item}`);
    m.set(item.slice(0, eq).trim().toLowerCase(), item.slice(eq + 1).trim());
  }
  return m;
}

function parseTextHash(path: string): Map<string, string> {
  const m = new Map<string, string>();
  const lines: string[] = [];
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    if (/^\s*(#|$)/.test(raw)) continue;
    if (/^\s/.test(raw) && lines.length) lines[lines.length - 1] += ' ' + raw.trim();
    else lines.push(raw.trim());
  }
  for (const line of lines) {
    const match = /^(\S+)\s*(.*)$/.exec(line);
    if (match) m.set(match[1].toLowerCase(), match[2].trim());
  }
  return m;
}

/** Minimal opener for inline:, static:, texthash: (the reference/tables module does the rest). */
export function openFallbackTable(spec: string): LookupTable {
  const colon = spec.indexOf(':');
  const type = spec.slice(0, colon);
  const name = spec.slice(colon + 1);
  if (type === 'static') {
    const value = name.startsWith('{') && name.endsWith('}') ? name.slice(1, -1).trim() : name;
    return { fixed: true, lookup: async () => value };
  }
  let map: Map<string, string>;
  if (type === 'inline') map = parseInline(name.replace(/^\{|\}$/g, ''));
  else if (type === 'texthash') map = parseTextHash(name);
  else throw new Error(`unsupported table type in ${spec} (no table module wired in)`);
  return { fixed: true, lookup: async (key) => map.get(key) ?? null };
}

/* ---------------- maps: several tables searched in order ---------------- */

export class Maps {
  private readonly tables: { spec: string; table: LookupTable }[];

  constructor(readonly title: string, value: string, open: OpenTable) {
    this.tables = splitList(value).map((spec) => ({ spec, table: open(spec) }));
  }

  get empty(): boolean {
    return this.tables.length === 0;
  }

  /**
   * First table that has the key. `partial` queries (a domain, an address without extension)
   * skip tables that are not fixed, as regexp tables see full addresses only. Fixed tables get
   * the key folded to lower case (DICT_FLAG_FOLD_FIX). An empty result is a configuration error.
   */
  async find(key: string, partial: boolean): Promise<string | null> {
    if (key === '') return null;
    for (const { spec, table } of this.tables) {
      if (partial && !table.fixed) continue;
      let value: string | null;
      try {
        value = await table.lookup(table.fixed ? key.toLowerCase() : key);
      } catch (e) {
        throw new TableLookupError(`${spec} lookup error for "${key}": ${(e as Error).message}`);
      }
      if (value === '') throw new TableLookupError(`${this.title} lookup of ${key} returns an empty string result`);
      if (value !== null) return value;
    }
    return null;
  }
}

/* ---------------- match lists ---------------- */

type Pattern = { negate: boolean; table?: LookupTable; text?: string };

/**
 * A list of patterns matched first-to-last; `!pattern` negates, `/file` is read in-line,
 * `type:name` is a table. Kind `string` matches exactly (mydestination, virtual_*_domains);
 * kind `domain` also matches subdomains: of `.domain` always, and of `domain` when the list is
 * named in parent_domain_matches_subdomains (relay_domains by default).
 */
export class MatchList {
  private readonly patterns: Pattern[] = [];

  constructor(value: string, open: OpenTable, private readonly kind: 'string' | 'domain', private readonly parentStyle = false) {
    this.parse(value, false, open);
  }

  private parse(value: string, negated: boolean, open: OpenTable): void {
    for (const item of splitList(value)) {
      if (item.startsWith('#')) break;
      let negate = negated;
      let rest = item;
      while (rest.startsWith('!')) { negate = !negate; rest = rest.slice(1); }
      if (rest === '') throw new Error('no pattern after "!"');
      if (rest.startsWith('/')) {
        for (const line of readFileSync(rest, 'utf8').split('\n')) if (!line.startsWith('#')) this.parse(line, negate, open);
      } else if (isTableSpec(rest)) {
        this.patterns.push({ negate, table: open(rest) });
      } else {
        this.patterns.push({ negate, text: rest.toLowerCase() });
      }
    }
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  async match(name: string): Promise<boolean> {
    const folded = name.toLowerCase();
    for (const p of this.patterns) {
      if (await this.matchOne(folded, p)) return !p.negate;
    }
    return false;
  }

  private async matchOne(name: string, p: Pattern): Promise<boolean> {
    if (p.table) {
      const lookup = async (key: string) => {
        try {
          return (await p.table!.lookup(key)) !== null;
        } catch (e) {
          throw new TableLookupError(`table lookup problem: ${(e as Error).message}`);
        }
      };
      if (this.kind === 'string' || !p.table.fixed) return lookup(name);
      // Domain list with a key/value table: the name, then each parent (".parent" or "parent").
      for (let entry = name; entry; ) {
        if (await lookup(entry)) return true;
        const dot = entry.indexOf('.', 1);
        if (dot < 0) break;
        entry = this.parentStyle ? entry.slice(dot + 1) : entry.slice(dot);
      }
      return false;
    }
    const pat = p.text!;
    if (name === pat) return true;
    if (this.kind === 'string') return false;
    if (this.parentStyle) return name.length > pat.length && name.endsWith('.' + pat);
    return pat.startsWith('.') && name.length > pat.length && name.endsWith(pat);
  }
}
