/**
 * cleanup's address mapping (cleanup_map11.c, cleanup_map1n.c, cleanup_addr.c):
 *   canonical: sender_canonical_maps / recipient_canonical_maps, then canonical_maps — one
 *     address in, one address out;
 *   virtual:   virtual_alias_maps — one address in, a list out, expanded recursively up to
 *     virtual_alias_recursion_limit levels and virtual_alias_expansion_limit addresses; an
 *     address that maps to itself is kept and not expanded again.
 * Each parameter's tables are one Maps list (global/maps.ts, maps_find()): fixed-string tables
 * get folded keys, pattern tables the full address only. Keys are tried as Postfix's
 * mail_addr_find does: user+ext@domain, user@domain, then (when the domain is $myorigin or in
 * $mydestination) user+ext and user, then @domain. A match found without the extension
 * (recipient_delimiter) gets it back on each result's local part when
 * propagate_unmatched_extensions names the class ("canonical", "virtual"); a result "@domain"
 * keeps the address's local part (the whole address when it has no "@", nothing when it
 * starts with one), and the result is quoted again into external form. A canonical map is
 * applied again to its own result, up to 10 times, until nothing matches or the address maps
 * to itself (cleanup_map11.c).
 * Faults are reported with real Postfix's texts: a table that fails logs "<table> lookup error
 * for "<key>"" and "QID: <parameter> map lookup problem for <address> -- message not accepted,
 * try again later", and the message is not accepted (MapLookupProblem: CLEANUP_STAT_WRITE);
 * an expansion too deep or too wide logs "QID: unreasonable virtual_alias_maps map nesting
 * (expansion size) for <address> ..." and defers it (AliasExpansionError: CLEANUP_STAT_DEFER).
 * Called by cleanup.ts for the envelope sender and every recipient of a message.
 */
import type { RewriteRule, TrivialRewriteClient } from '../contracts.ts';
import { Maps, TableLookupError, type OpenTable } from '../../global/maps.ts';
import { internalize, quoteLocal, scan } from '../../global/tok822.ts';

/** virtual_alias_maps expansion went too deep or too wide: the message is deferred. */
export class AliasExpansionError extends Error {}

/** A table lookup failed (already logged): the message is not accepted, the client tries again later. */
export class MapLookupProblem extends Error {}

export interface AddressMapsOptions {
  get(name: string): string;
  list(name: string): string[];
  int(name: string): number;
  /** smtputf8_enable: how keys of fixed-string tables are folded. */
  utf8: boolean;
  openTable: OpenTable;
  rewrite: TrivialRewriteClient;
  warn: (text: string) => void;
}

export class AddressMaps {
  private readonly lists = new Map<string, Maps>();
  constructor(private readonly o: AddressMapsOptions) {}

  /** The tables a parameter names, opened once. */
  private mapsOf(param: string): Maps {
    let maps = this.lists.get(param);
    if (!maps) {
      maps = new Maps(param, this.o.list(param), this.o.openTable, this.o.utf8);
      this.lists.set(param, maps);
    }
    return maps;
  }

  private isLocalDomain(domain: string): boolean {
    const d = domain.toLowerCase();
    return d === this.o.get('myorigin').toLowerCase() || this.o.list('mydestination').some((x) => x.toLowerCase() === d);
  }

  /** The keys mail_addr_find tries, the full address first; `extension` is set on the keys without it. */
  private keysOf(address: string): LookupKey[] {
    const at = address.lastIndexOf('@');
    const local = at < 0 ? address : address.slice(0, at);
    const domain = at < 0 ? '' : address.slice(at);
    const split = splitExtension(local, this.o.get('recipient_delimiter'));
    const keys: LookupKey[] = [{ key: address, partial: false }];
    if (split) keys.push({ key: split.bare + domain, partial: true, extension: split.extension });
    if (at <= 0) return keys;
    if (this.isLocalDomain(domain.slice(1))) {
      keys.push({ key: local, partial: true });
      if (split) keys.push({ key: split.bare, partial: true, extension: split.extension });
    }
    keys.push({ key: domain, partial: true });
    return keys;
  }

  /** First value found in the tables named by `param`, trying the usual keys; throws TableLookupError. */
  async find(param: string, address: string): Promise<string | undefined> {
    return (await this.findWithExtension(param, address))?.value;
  }

  /** find(), and the extension the matching key went without. */
  private async findWithExtension(param: string, address: string): Promise<Found | undefined> {
    const maps = this.mapsOf(param);
    if (maps.empty) return undefined;
    for (const k of this.keysOf(address)) {
      const value = await maps.find(k.key, k.partial);
      if (value !== null) return { value, extension: k.extension };
    }
    return undefined;
  }

  /**
   * The addresses a table value stands for (mail_addr_map): "@domain" takes the address's
   * local part without its extension; an unmatched extension goes back on each result when
   * propagate_unmatched_extensions names `cls`.
   */
  private results(address: string, found: Found, cls: string): string[] {
    let value = found.value.trim();
    if (value.startsWith('@')) {
      // The local part is taken from the internal form (an empty one is "" in external form)
      // and the result quoted again, so "@odd.example" → "@remote.example" is ""@remote.example.
      const internal = internalize(scan(address));
      const at = internal.lastIndexOf('@');
      const local = at < 0 ? internal : internal.slice(0, at);
      value = quoteLocal((found.extension ? local.slice(0, local.length - found.extension.length) : local) + value);
    }
    const items = value.split(/[\s,]+/).filter(Boolean);
    const propagate = found.extension && this.o.list('propagate_unmatched_extensions').some((c) => c.toLowerCase() === cls);
    return propagate ? items.map((a) => withExtension(a, found.extension!)) : items;
  }

  /** findWithExtension(), with a table that fails reported as cleanup reports it; throws MapLookupProblem then. */
  private async lookup(queueId: string, param: string, address: string): Promise<Found | undefined> {
    try {
      return await this.findWithExtension(param, address);
    } catch (err) {
      if (!(err instanceof TableLookupError)) throw err;
      this.o.warn(err.message);
      this.o.warn(`${queueId}: ${param} map lookup problem for ${address} -- message not accepted, try again later`);
      throw new MapLookupProblem(`${param} map lookup problem for ${address}`, { cause: err });
    }
  }

  private async canonicalize(rule: RewriteRule, addr: string): Promise<string> {
    return addr.includes('@') ? addr : (await this.o.rewrite.rewrite(rule, addr)).address;
  }

  /**
   * Canonical mapping and masquerading of a sender or recipient address of message `queueId`,
   * in the envelope or in a header: each table list only when its classes parameter names the
   * class ("envelope_sender", "header_recipient" …), then masquerade_domains when
   * masquerade_classes does.
   */
  async canonical(queueId: string, kind: 'sender' | 'recipient', address: string, where: 'envelope' | 'header' = 'envelope'): Promise<string> {
    const cls = `${where}_${kind}`;
    let addr = address;
    for (const [param, classes] of [[`${kind}_canonical_maps`, `${kind}_canonical_classes`], ['canonical_maps', 'canonical_classes']]) {
      if (this.hasClass(classes!, cls)) addr = await this.map11(queueId, param!, addr);
    }
    if (this.hasClass('masquerade_classes', cls)) addr = this.masquerade(addr);
    return addr;
  }

  private hasClass(param: string, cls: string): boolean {
    return this.o.list(param).some((c) => c.toLowerCase() === cls);
  }

  /**
   * masquerade_domains (cleanup_masquerade.c): an address in a subdomain of a listed domain
   * gets that domain; the first listed domain that the address's domain equals or ends in
   * decides, and one written "!domain" leaves it as it is. Users in masquerade_exceptions are
   * never masqueraded.
   */
  masquerade(address: string): string {
    const at = address.lastIndexOf('@');
    const domains = this.o.list('masquerade_domains');
    if (at < 0 || domains.length === 0) return address;
    const user = address.slice(0, at);
    if (this.o.list('masquerade_exceptions').some((e) => e.toLowerCase() === user.toLowerCase())) return address;
    const domain = address.slice(at + 1).toLowerCase();
    for (const entry of domains) {
      let masq = entry;
      let truncate = true;
      while (masq.startsWith('!')) {
        masq = masq.slice(1);
        truncate = !truncate;
      }
      masq = masq.toLowerCase();
      if (masq === '') continue;
      if (masq === domain) break;
      if (masq.length < domain.length && domain.endsWith('.' + masq)) {
        return truncate ? `${user}@${masq}` : address;
      }
    }
    return address;
  }

  /** One canonical table list applied until it stops changing the address (cleanup_map11_external). */
  private async map11(queueId: string, param: string, address: string): Promise<string> {
    let addr = address;
    for (let count = 0; count < MAP11_RECURSION_LIMIT; count++) {
      const found = await this.lookup(queueId, param, addr);
      if (found === undefined) return addr;
      const results = this.results(addr, found, 'canonical');
      if (results.length > 1) this.o.warn(`${queueId}: multi-valued ${param} entry for ${addr}`);
      const next = await this.canonicalize('local', results[0] ?? '');
      const same = next.toLowerCase() === addr.toLowerCase();
      addr = next;
      if (same) return addr;
    }
    this.o.warn(`${queueId}: unreasonable ${param} map nesting for ${addr} -- message not accepted, try again later`);
    return addr;
  }

  /** The value the tables of `param` give for an address (keys as find()), with a failing table reported; undefined when none. */
  async lookupValue(queueId: string, param: string, address: string): Promise<string | undefined> {
    return (await this.lookup(queueId, param, address))?.value.trim();
  }

  /** Recursive virtual alias expansion for message `queueId`; returns the final recipient list (input when no match). */
  async virtual(queueId: string, address: string): Promise<string[]> {
    const recursionLimit = this.o.int('virtual_alias_recursion_limit');
    const expansionLimit = this.o.int('virtual_alias_expansion_limit');
    const unreasonable = (what: string) => {
      this.o.warn(`${queueId}: unreasonable virtual_alias_maps map ${what} for ${address} -- message not accepted, try again later`);
      return new AliasExpansionError('4.6.0 Alias expansion error');
    };
    const out: string[] = [];
    const expand = async (addr: string, depth: number): Promise<void> => {
      if (depth > recursionLimit) throw unreasonable('nesting');
      const found = await this.lookup(queueId, 'virtual_alias_maps', addr);
      if (found === undefined) {
        out.push(addr);
      } else {
        for (const item of this.results(addr, found, 'virtual')) {
          const next = await this.canonicalize('local', item);
          if (next.toLowerCase() === addr.toLowerCase()) out.push(next);
          else await expand(next, depth + 1);
        }
      }
      if (out.length > expansionLimit) throw unreasonable('expansion size');
    };
    await expand(address, 0);
    return out;
  }
}

/** cleanup_map11.c's MAX_RECURSION: how often one canonical table list is applied to its own result. */
const MAP11_RECURSION_LIMIT = 10;

interface LookupKey {
  key: string;
  /** A key other than the full address: pattern tables are not asked (maps_find() PARTIAL). */
  partial: boolean;
  /** The extension (with its delimiter) this key was made without. */
  extension?: string;
}

interface Found {
  value: string;
  extension?: string;
}

/**
 * A local part split at its first recipient_delimiter character (strip_addr.c): "carol+news"
 * gives bare "carol" and extension "+news"; none when no delimiter follows the first character.
 */
export function splitExtension(local: string, delimiters: string): { bare: string; extension: string } | undefined {
  if (delimiters === '') return undefined;
  for (let i = 1; i < local.length; i++) {
    if (delimiters.includes(local[i]!)) return { bare: local.slice(0, i), extension: local.slice(i) };
  }
  return undefined;
}

/** An address with an extension put back at the end of its local part. */
export function withExtension(address: string, extension: string): string {
  const at = address.lastIndexOf('@');
  return at < 0 ? address + extension : address.slice(0, at) + extension + address.slice(at);
}
