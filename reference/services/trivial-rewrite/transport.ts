/**
 * transport_maps lookups (transport(5)): the recipient is looked up as user+ext@domain,
 * user@domain, then domain and its parents (".parent" unless transport_maps is listed in
 * parent_domain_matches_subdomains, then "parent"), and finally "*" (remembered for 30 s, see
 * TransportMaps). A result is
 * "transport:nexthop"; how each half changes the resolver's answer is in applyTransportEntry.
 */
import { Maps } from '../../global/maps.ts';
import { mailAddrFind } from './addr-find.ts';

export interface Route {
  transport: string;
  nexthop: string;
}

/**
 * Apply a table result to a route. An empty transport keeps the transport (and changes the
 * nexthop only if one is given); a new transport without nexthop resets the nexthop to the
 * recipient domain, or to "Address is undeliverable" for the error and retry transports.
 */
export function applyTransportEntry(value: string, rcptDomain: string, route: Route): void {
  const colon = value.indexOf(':');
  const transport = colon < 0 ? value : value.slice(0, colon);
  const nexthop = colon < 0 ? '' : value.slice(colon + 1);
  if (transport === '') {
    if (nexthop !== '') route.nexthop = nexthop;
    return;
  }
  route.transport = transport;
  if (nexthop !== '') route.nexthop = nexthop;
  else if (transport !== 'error' && transport !== 'retry') route.nexthop = rcptDomain;
  else route.nexthop = 'Address is undeliverable';
}

/** How long the "*" entry is kept before it is looked up again (trivial-rewrite: 30 s). */
export const WILDCARD_TTL_MS = 30_000;

/**
 * transport_maps with its "*" entry remembered: Postfix looks "*" up when the service starts
 * and again once 30 s have passed, not for every recipient; a lookup error is not remembered
 * (the next request tries again).
 */
export class TransportMaps {
  private wildcard: string | null = null;
  private expires = 0;

  constructor(readonly maps: Maps, private readonly now: () => number = Date.now) {}

  get empty(): boolean {
    return this.maps.empty;
  }

  async wildcardEntry(): Promise<string | null> {
    if (this.now() >= this.expires) {
      this.wildcard = await this.maps.find('*', false);
      this.expires = this.now() + WILDCARD_TTL_MS;
    }
    return this.wildcard;
  }
}

/** Look a recipient up; returns the raw table value or null. Throws TableLookupError. */
export async function transportLookup(
  tables: TransportMaps, recipient: string, delimiters: string, parentStyle: boolean,
): Promise<string | null> {
  const at = recipient.lastIndexOf('@');
  if (recipient === '' || at < 0 || at === recipient.length - 1) return null;
  const hit = await mailAddrFind(tables.maps, recipient, delimiters, { full: true, noExt: true, domain: true, parentStyle });
  return hit ?? tables.wildcardEntry();
}
