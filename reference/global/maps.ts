/**
 * Tables as the daemons use them, in one place (Postfix's maps(3), match_list(3) and
 * dict_open through proxymap):
 *   referenceTables(options)  the OpenTable every service opens "type:name" tables with
 *                             (reference/tables, proxy: tables through the given proxymap client);
 *   Maps                      a main.cf list of tables searched in order, the first table with
 *                             an answer wins (maps_find): transport_maps, relocated_maps,
 *                             alias_maps, local_recipient_maps …;
 *   MatchList                 string_list / domain_list: mydestination, relay_domains,
 *                             virtual_*_domains, fast_flush_domains.
 * Used by trivial-rewrite, cleanup, smtpd and local (through master), flush and resolve_local.
 */
import { readFileSync } from 'node:fs';
import { splitList } from '../config/index.ts';
import { isPatternTable, openTable, type OpenTableOptions, type Table } from '../tables/index.ts';
import { casefold } from './case-fold.ts';
import { allAscii } from './allascii.ts';
import { utf8ByteString } from './byte-string.ts';

export interface LookupTable {
  /** null = not found; throw = lookup error (the resolver answers FAIL). */
  lookup(key: string): Promise<string | null>;
  /** The answer without waiting, or undefined when the table cannot give one that way (yet). */
  now?(key: string): string | null | undefined;
  /** Postfix's DICT_FLAG_FIXED: true for key/value tables, false for pattern tables (full keys only). */
  readonly fixed: boolean;
  close?(): Promise<void>;
}

export type OpenTable = (spec: string) => LookupTable;

/** A table lookup that failed; `warnings` are the lines maps_find() logs for it, the message first. */
export class TableLookupError extends Error {
  readonly warnings: readonly string[];

  constructor(message: string, options?: ErrorOptions, more: readonly string[] = []) {
    super(message, options);
    this.warnings = [message, ...more];
  }
}

const isTableSpec = (pattern: string) => pattern[0] !== '[' && pattern.includes(':');

/**
 * OpenTable on top of reference/tables. Opening is asynchronous there, so a table is opened at
 * once and awaited on first lookup; a table that cannot be opened fails every lookup (as
 * Postfix's surrogate tables do), so the caller answers with a temporary failure instead of
 * crashing. Whether a table is a pattern table is its type's (reference/tables isPatternTable).
 */
export function referenceTables(options: OpenTableOptions = {}): OpenTable {
  return (spec) => {
    const fixed = !isPatternTable(spec);
    const opened = openTable(spec, options);
    // Once open, lookups go straight to the table (qmgr's resolve path is latency-bound).
    let table: Table | undefined;
    opened.then((t) => (table = t), () => {}); // an open error is reported by lookup()
    const lookup = (key: string): Promise<string | null> => (table ? table.lookup(key) : opened.then((t) => t.lookup(key)));
    const now = (key: string): string | null | undefined => (table?.lookupNow ? table.lookupNow(key) : undefined);
    const close = () => opened.then((t) => t.close(), () => undefined); // never opened: nothing to close
    if (TEXT_TYPES.has(typeOf(spec))) return { fixed, lookup, now, close };
    // File-backed tables hold bytes (one char per byte); keys and values here are text.
    const toBytes = (key: string) => (allAscii(key) ? key : utf8ByteString(key));
    const toText = <T extends string | null | undefined>(value: T): T =>
      (typeof value !== 'string' || allAscii(value) ? value : Buffer.from(value, 'latin1').toString('utf8')) as T;
    return {
      fixed,
      lookup: async (key) => toText(await lookup(toBytes(key))),
      now: (key) => toText(now(toBytes(key))),
      close,
    };
  };
}

/** The type of a "type:name" spec. */
const typeOf = (spec: string): string => spec.slice(0, spec.indexOf(':'));


/** Tables whose keys come from main.cf text itself (not from a file of bytes). */
const TEXT_TYPES = new Set(['inline', 'static']);

/* ---------------- maps: several tables searched in order ---------------- */

/**
 * A main.cf list of tables ("lmdb:/a, regexp:/b"), each opened once: the first table with an
 * answer wins. `title` is the parameter name, for error texts; `utf8` is smtputf8_enable (how
 * keys of fixed-string tables are folded).
 */
export class Maps {
  private readonly tables: { spec: string; table: LookupTable }[];

  constructor(readonly title: string, value: string | readonly string[], open: OpenTable, private readonly utf8 = true) {
    const specs = typeof value === 'string' ? splitList(value) : value;
    this.tables = specs.map((spec) => ({ spec, table: open(spec) }));
  }

  get empty(): boolean {
    return this.tables.length === 0;
  }

  /**
   * First table that has the key. `partial` queries (a domain, an address without extension)
   * skip tables that are not fixed, as regexp tables see full addresses only. Fixed tables get
   * the key folded to lower case (DICT_FLAG_FOLD_FIX). An empty result is a configuration error.
   */
  async find(key: string, partial = false): Promise<string | null> {
    if (key === '') return null;
    for (const { spec, table } of this.tables) {
      if (partial && !table.fixed) continue;
      let value: string | null;
      try {
        const k = table.fixed ? casefold(key, this.utf8) : key;
        const now = table.now?.(k);
        value = now !== undefined ? now : await table.lookup(k);
      } catch (e) {
        // maps_find()'s warning text, which the caller logs; the table's own error is the cause.
        throw new TableLookupError(`${spec} lookup error for "${key}"`, { cause: e });
      }
      if (value === '') {
        throw new TableLookupError(`${this.title} lookup of ${key} returns an empty string result`, undefined,
          [`${this.title} should return NO RESULT in case of NOT FOUND`]);
      }
      if (value !== null) return value;
    }
    return null;
  }

  /** Close every table of the list (a reload or stop). */
  async close(): Promise<void> {
    await Promise.all(this.tables.map(({ table }) => table.close?.()));
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
        this.patterns.push({ negate, text: casefold(rest, this.utf8) });
      }
    }
  }

  get empty(): boolean {
    return this.patterns.length === 0;
  }

  async match(name: string): Promise<boolean> {
    const folded = casefold(name, this.utf8);
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
