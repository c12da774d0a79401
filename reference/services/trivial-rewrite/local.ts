/**
 * "Is this domain the local machine?" (resolve_local in Postfix's global library): a domain listed
 * in $mydestination (exact, case-insensitive), or an address literal `[a.b.c.d]` / `[IPv6:…]`
 * equal to one of the addresses in $inet_interfaces or $proxy_interfaces.
 */
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { splitList } from '../../config/index.ts';
import { MatchList, type OpenTable } from './maps.ts';
import { mailhostAddr } from './hostname.ts';
import type { Params } from './params.ts';

/** Canonical text of an IP address (IPv6 compressed and lower case). */
export function canonicalIp(addr: string): string {
  if (isIP(addr) === 6) return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  return addr;
}

function interfaceAddresses(value: string, protocols: string): string[] {
  const want4 = /all|ipv4/.test(protocols);
  const want6 = /all|ipv6/.test(protocols);
  const out: string[] = [];
  for (const item of splitList(value.toLowerCase())) {
    if (item === 'all') {
      for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) out.push(a.address);
    } else if (item === 'loopback-only' || item === 'localhost') {
      out.push('127.0.0.1', '::1');
    } else {
      out.push(item.replace(/^\[|\]$/g, ''));
    }
  }
  return out
    .filter((a) => (isIP(a) === 4 && want4) || (isIP(a) === 6 && want6))
    .map(canonicalIp);
}

export class LocalDomains {
  private readonly mydestination: MatchList;
  private readonly ownAddresses: Set<string>;

  constructor(params: Params, open: OpenTable) {
    this.mydestination = new MatchList(params.str('mydestination'), open, 'string', false, params.bool('smtputf8_enable'));
    const protocols = params.str('inet_protocols').toLowerCase();
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
