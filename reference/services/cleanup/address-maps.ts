/**
 * cleanup's address mapping (cleanup_map11.c, cleanup_map1n.c, cleanup_addr.c):
 *   canonical: sender_canonical_maps / recipient_canonical_maps, then canonical_maps — one
 *     address in, one address out;
 *   virtual:   virtual_alias_maps — one address in, a list out, expanded recursively up to
 *     virtual_alias_recursion_limit levels and virtual_alias_expansion_limit addresses; an
 *     address that maps to itself is kept and not expanded again.
 * Each parameter's tables are one Maps list (global/maps.ts, maps_find()): fixed-string tables
 * get folded keys, pattern tables the full address only. Keys are tried as Postfix's
 * mail_addr_find does, minus address extensions: user@domain, then user when the domain is
 * local ($myorigin or $mydestination), then @domain.
 * Faults are reported with real Postfix's texts: a table that fails logs "<table> lookup error
 * for "<key>"" and "QID: <parameter> map lookup problem for <address> -- message not accepted,
 * try again later", and the message is not accepted (MapLookupProblem: CLEANUP_STAT_WRITE);
 * an expansion too deep or too wide logs "QID: unreasonable virtual_alias_maps map nesting
 * (expansion size) for <address> ..." and defers it (AliasExpansionError: CLEANUP_STAT_DEFER).
 * Called by cleanup.ts for the envelope sender and every recipient of a message.
 */
import type { RewriteRule, TrivialRewriteClient } from '../contracts.ts';
import { Maps, TableLookupError, type OpenTable } from '../../global/maps.ts';

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

  /** The keys mail_addr_find tries, the full address first. */
  private keysOf(address: string): string[] {
    const at = address.lastIndexOf('@');
    if (at <= 0) return [address];
    const domain = address.slice(at + 1);
    const keys = [address];
    if (this.isLocalDomain(domain)) keys.push(address.slice(0, at));
    keys.push('@' + domain);
    return keys;
  }

  /** First value found in the tables named by `param`, trying the usual keys; throws TableLookupError. */
  async find(param: string, address: string): Promise<string | undefined> {
    const maps = this.mapsOf(param);
    if (maps.empty) return undefined;
    const keys = this.keysOf(address);
    for (let i = 0; i < keys.length; i++) {
      const value = await maps.find(keys[i]!, i > 0);
      if (value !== null) return value;
    }
    return undefined;
  }

  /** find(), with a table that fails reported as cleanup reports it; throws MapLookupProblem then. */
  private async lookup(queueId: string, param: string, address: string): Promise<string | undefined> {
    try {
      return await this.find(param, address);
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

  /** Canonical mapping of a sender ("sender") or recipient ("recipient") address of message `queueId`. */
  async canonical(queueId: string, kind: 'sender' | 'recipient', address: string): Promise<string> {
    let addr = address;
    for (const param of [`${kind}_canonical_maps`, 'canonical_maps']) {
      const v = await this.lookup(queueId, param, addr);
      if (v !== undefined) addr = await this.canonicalize('local', v.trim());
    }
    return addr;
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
      const value = await this.lookup(queueId, 'virtual_alias_maps', addr);
      if (value === undefined) {
        out.push(addr);
      } else {
        for (const item of value.split(/[\s,]+/).filter(Boolean)) {
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
