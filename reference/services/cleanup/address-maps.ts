/**
 * cleanup's address mapping (cleanup_map11.c, cleanup_map1n.c, cleanup_addr.c):
 *   canonical: sender_canonical_maps / recipient_canonical_maps, then canonical_maps — one
 *     address in, one address out;
 *   virtual:   virtual_alias_maps — one address in, a list out, expanded recursively up to
 *     virtual_alias_recursion_limit levels and virtual_alias_expansion_limit addresses; an
 *     address that maps to itself is kept and not expanded again.
 * Keys are tried as Postfix's mail_addr_find does, minus address extensions: user@domain,
 * then user when the domain is local ($myorigin or $mydestination), then @domain.
 */
import type { RewriteRule, TrivialRewriteClient } from '../contracts.ts';
import type { LookupTable, OpenTable } from '../../global/maps.ts';

export class AliasExpansionError extends Error {}

export interface AddressMapsOptions {
  get(name: string): string;
  list(name: string): string[];
  int(name: string): number;
  openTable: OpenTable;
  rewrite: TrivialRewriteClient;
  warn: (text: string) => void;
}

export class AddressMaps {
  private readonly cache = new Map<string, LookupTable[]>();
  constructor(private readonly o: AddressMapsOptions) {}

  private tables(param: string): LookupTable[] {
    let t = this.cache.get(param);
    if (!t) {
      t = this.o.list(param).map((spec) => this.o.openTable(spec));
      this.cache.set(param, t);
    }
    return t;
  }

  private isLocalDomain(domain: string): boolean {
    const d = domain.toLowerCase();
    return d === this.o.get('myorigin').toLowerCase() || this.o.list('mydestination').some((x) => x.toLowerCase() === d);
  }

  /** First value found in the tables named by `param`, trying the usual keys. */
  async find(param: string, address: string): Promise<string | undefined> {
    const tables = this.tables(param);
    if (tables.length === 0) return undefined;
    const at = address.lastIndexOf('@');
    const keys = [address.toLowerCase()];
    if (at > 0) {
      const user = address.slice(0, at).toLowerCase();
      const domain = address.slice(at + 1);
      if (this.isLocalDomain(domain)) keys.push(user);
      keys.push('@' + domain.toLowerCase());
    }
    for (const key of keys) {
      for (const t of tables) {
        if (!t.fixed && key !== keys[0]) continue;
        const v = await t.lookup(key);
        if (v !== null) return v;
      }
    }
    return undefined;
  }

  private async canonicalize(rule: RewriteRule, addr: string): Promise<string> {
    return addr.includes('@') ? addr : (await this.o.rewrite.rewrite(rule, addr)).address;
  }

  /** Canonical mapping of a sender ("sender") or recipient ("recipient") address. */
  async canonical(kind: 'sender' | 'recipient', address: string): Promise<string> {
    let addr = address;
    for (const param of [`${kind}_canonical_maps`, 'canonical_maps']) {
      const v = await this.find(param, addr);
      if (v !== undefined) addr = await this.canonicalize('local', v.trim());
    }
    return addr;
  }

  /** Recursive virtual alias expansion; returns the final recipient list (input when no match). */
  async virtual(address: string): Promise<string[]> {
    const recursionLimit = this.o.int('virtual_alias_recursion_limit');
    const expansionLimit = this.o.int('virtual_alias_expansion_limit');
    const out: string[] = [];
    const expand = async (addr: string, depth: number): Promise<void> => {
      if (depth > recursionLimit) {
        this.o.warn(`unreasonable virtual_alias_maps map nesting for ${address} -- message not accepted, try again later`);
        throw new AliasExpansionError('4.6.0 Alias expansion error');
      }
      const value = await this.find('virtual_alias_maps', addr);
      if (value === undefined) {
        out.push(addr);
      } else {
        for (const item of value.split(/[\s,]+/).filter(Boolean)) {
          const next = await this.canonicalize('local', item);
          if (next.toLowerCase() === addr.toLowerCase()) out.push(next);
          else await expand(next, depth + 1);
        }
      }
      if (out.length > expansionLimit) {
        this.o.warn(`unreasonable virtual_alias_maps map expansion size for ${address} -- message not accepted, try again later`);
        throw new AliasExpansionError('4.6.0 Alias expansion error');
      }
    };
    await expand(address, 0);
    return out;
  }
}
