/**
 * "Is this domain the local machine?" (resolve_local in Postfix's global library): a domain
 * listed in $mydestination (exact, case-insensitive, tables allowed), or an address literal
 * `[a.b.c.d]` / `[IPv6:…]` equal to one of the addresses of $inet_interfaces or
 * $proxy_interfaces. Asked by trivial-rewrite's resolver for every recipient domain.
 */
import { MatchList, type OpenTable } from './maps.ts';
import { mailhostAddr } from './hostname.ts';
import { canonicalIp, interfaceAddresses } from './inet-interfaces.ts';

/** The main.cf parameters resolve_local reads (trivial-rewrite's Params satisfies it). */
export interface LocalParams {
  str(name: string): string;
  bool(name: string): boolean;
}

export class LocalDomains {
  private readonly mydestination: MatchList;
  private readonly ownAddresses: Set<string>;

  constructor(params: LocalParams, open: OpenTable) {
    this.mydestination = new MatchList(params.str('mydestination'), open, 'string', false, params.bool('smtputf8_enable'));
    const protocols = params.str('inet_protocols');
    this.ownAddresses = new Set([
      ...interfaceAddresses(params.str('inet_interfaces'), protocols),
      ...interfaceAddresses(params.str('proxy_interfaces'), protocols),
    ]);
  }

  /** True if the domain is this machine; throws TableLookupError on a table failure. */
  async isLocal(domain: string): Promise<boolean> {
    let d = domain;
    if (d === '') return false;
    if (d.endsWith('.')) d = d.slice(0, -1);
    if (d === '' || d.endsWith('.')) return false;
    if (await this.mydestination.match(d)) return true;
    if (d.startsWith('[') && d.endsWith(']')) {
      const bare = mailhostAddr(d.slice(1, -1));
      if (bare !== null && this.ownAddresses.has(canonicalIp(bare))) return true;
    }
    return false;
  }
}
