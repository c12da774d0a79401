/**
 * Table access for trivial-rewrite: Postfix's "maps" (a list of tables searched in order, as
 * maps_find does) and match lists (string_list / domain_list: mydestination, relay_domains,
 * virtual_*_domains), per postconf(5) and match_list / match_hostname behaviour.
 *
 * Tables come from an `OpenTable` function; by default reference/tables (referenceTables).
 */
import { readFileSync } from 'node:fs';
import { splitList } from '../../config/index.ts';
import { openTable, splitSpec, type OpenTableOptions, type Table } from '../../tables/index.ts';

export interface LookupTable {
  /** null = not found; throw = lookup error (the resolver answers FAIL). */
  lookup(key: string): Promise<string | null>;
  /** The answer without waiting, or undefined when the table cannot give one that way (yet). */
  now?(key: string): string | null | undefined;
  /** Postfix's DICT_FLAG_FIXED: true for key/value tables, false for regexp/pcre (full-key only). */
  readonly fixed: boolean;
}

export type OpenTable = (spec: string) => LookupTable;

export class TableLookupError extends Error {}

/**
 * Case folding of keys and names: with smtputf8_enable=yes Postfix folds UTF-8 text (ICU case
 * folding, approximated by toLowerCase), otherwise ASCII letters only, so "BÜCHER.EXAMPLE" stays
 * different from "bücher.example" (found by the differential fuzzer).
 */
export function foldCase(text: string, utf8: boolean): string {
  if (utf8) return text.toLowerCase();
  return HAS_UPPER_ASCII.test(text) ? text.replace(/[A-Z]+/g, (s) => s.toLowerCase()) : text;
}

const HAS_UPPER_ASCII = /[A-Z]/;

const isTableSpec = (pattern: string) => pattern[0] !== '[' && pattern.includes(':');

/** Postfix's pattern tables see full keys only; everything else is a fixed key/value table. */
const PATTERN_TYPES = new Set(['regexp', 'pcre', 'cidr']);

/**
 * OpenTable on top of reference/tables. Opening is asynchronous there, so a table is opened at
 * once and awaited on first lookup; a table that cannot be opened fails every lookup (as
 * Postfix's surrogate tables do), so the resolver answers FAIL instead of crashing.
 */
export function referenceTables(options: OpenTableOptions = {}): OpenTable {
  return (spec) => {
    const { type, name } = splitSpec(spec);
    const inner = type === 'proxy' ? splitSpec(name).type : type;
    const opened = openTable(spec, options);
    // Once open, lookups go straight to the table (qmgr's resolve path is latency-bound).
    let table: Table | undefined;
    opened.then((t) => (table = t), () => {}); // an open error is reported by lookup()
    const lookup = (key: string): Promise<string | null> => (table ? table.lookup(key) : opened.then((t) => t.lookup(key)));
    const now = (key: string): string | null | undefined => (table?.lookupNow ? table.lookupNow(key) : undefined);
    if (TEXT_TYPES.has(type)) return { fixed: true, lookup, now };
    // File-backed tables hold bytes (one char per byte); keys and values here are text.
    const toBytes = (key: string) => (ASCII_ONLY.test(key) ? key : Buffer.from(key, 'utf8').toString('latin1'));
    const toText = <T extends string | null | undefined>(value: T): T =>
      (typeof value !== 'string' || ASCII_ONLY.test(value) ? value : Buffer.from(value, 'latin1').toString('utf8')) as T;
    return {
      fixed: !PATTERN_TYPES.has(inner),
      lookup: async (key) => toText(await lookup(toBytes(key))),
      now: (key) => toText(now(toBytes(key))),
    };
  };
}

/** Text that is the same whether read as UTF-8 or as Latin-1 bytes: no conversion needed. */
const ASCII_ONLY = /^[\x00-\x7f]*$/;

/** Tables whose keys come from main.cf text itself (not from a file of bytes). */
const TEXT_TYPES = new Set(['inline', 'static']);

/* ---------------- maps: several tables searched in order ---------------- */

export class Maps {
  private readonly tables: { spec: string; table: LookupTable }[];

  constructor(readonly title: string, value: string, open: OpenTable, private readonly utf8 = true) {
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
        const k = table.fixed ? foldCase(key, this.utf8) : key;
        const now = table.now?.(k);
        value = now !== undefined ? now : await table.lookup(k);
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

  constructor(
    value: string, open: OpenTable, private readonly kind: 'string' | 'domain', private readonly parentStyle = false,
    private readonly utf8 = true,
  ) {
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
        this.patterns.push({ negate, text: foldCase(rest, this.utf8) });
      }
    }
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  async match(name: string): Promise<boolean> {
    const folded = foldCase(name, this.utf8);
    for (const p of this.patterns) {
      // Text patterns are matched without a trip through the event loop (the resolve path).
      if (p.table ? await this.matchTable(folded, p.table) : this.matchText(folded, p.text!)) return !p.negate;
    }
    return false;
  }

  private async matchTable(name: string, table: LookupTable): Promise<boolean> {
    const lookup = async (key: string) => {
      try {
        return (await table.lookup(key)) !== null;
      } catch (e) {
        throw new TableLookupError(`table lookup problem: ${(e as Error).message}`);
      }
    };
    if (this.kind === 'string' || !table.fixed) return lookup(name);
    // Domain list with a key/value table: the name, then each parent (".parent" or "parent").
    for (let entry = name; entry; ) {
      if (await lookup(entry)) return true;
      const dot = entry.indexOf('.', 1);
      if (dot < 0) break;
      entry = this.parentStyle ? entry.slice(dot + 1) : entry.slice(dot);
    }
    return false;
  }

  private matchText(name: string, pat: string): boolean {
    if (name === pat) return true;
    if (this.kind === 'string') return false;
    if (this.parentStyle) return name.length > pat.length && name.endsWith('.' + pat);
    return pat.startsWith('.') && name.length > pat.length && name.endsWith(pat);
  }
}
