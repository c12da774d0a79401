/**
 * This host's own addresses as main.cf names them (own_inet_addr in Postfix's global library):
 * the addresses inet_interfaces or proxy_interfaces stands for — "all" is every address of
 * every interface, "loopback-only" (and "localhost") 127.0.0.1 and ::1, anything else a
 * literal address — kept only for the protocols inet_protocols enables, in canonical text.
 * Used by resolve_local (is [addr] this machine?) and by smtpd's permit_inet_interfaces
 * (local_header_rewrite_clients).
 */
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { splitList } from '../config/index.ts';

/** Canonical text of an IP address (IPv6 compressed and lower case). */
export function canonicalIp(addr: string): string {
  if (isIP(addr) === 6) return new URL(`http://[${addr}]/`).hostname.slice(1, -1);
  return addr;
}

/** Every address of this host's interfaces. */
function allAddresses(): string[] {
  return Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((a) => a.address));
}

/** The addresses of one inet_interfaces item. */
function itemAddresses(item: string): string[] {
  if (item === 'all') return allAddresses();
  if (item === 'loopback-only' || item === 'localhost') return ['127.0.0.1', '::1'];
  return [item.replace(/^\[|\]$/g, '')];
}

/** The addresses `inet_interfaces` (or `proxy_interfaces`) stands for, as `inet_protocols` allows. */
export function interfaceAddresses(inet_interfaces: string, inet_protocols: string): string[] {
  const protocols = inet_protocols.toLowerCase();
  const want4 = /all|ipv4/.test(protocols);
  const want6 = /all|ipv6/.test(protocols);
  return splitList(inet_interfaces.toLowerCase())
    .flatMap(itemAddresses)
    .filter((a) => (isIP(a) === 4 && want4) || (isIP(a) === 6 && want6))
    .map(canonicalIp);
}
