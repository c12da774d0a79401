/**
 * Matching a client address against a network list such as $mynetworks
 * ("127.0.0.0/8 [::1]/128 192.0.2.7"), as smtpd's permit_mynetworks does. IPv4 and IPv6
 * CIDR blocks and plain addresses; brackets are optional. Table entries (type:name) are not
 * handled here.
 */
import { isIPv4, isIPv6 } from 'node:net';

interface Block { bits: bigint; prefix: number; width: number }

function toBits(addr: string): { bits: bigint; width: number } | undefined {
  const a = addr.replace(/^\[|\]$/g, '').replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/i, '$1');
  if (isIPv4(a)) return { bits: a.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n), width: 32 };
  if (isIPv6(a)) {
    const [head, tail = ''] = a.includes('::') ? a.split('::') : [a, undefined as unknown as string];
    const h = head ? head.split(':') : [];
    const t = a.includes('::') && tail ? tail.split(':') : [];
    const groups = a.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
    return { bits: groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || '0', 16)), 0n), width: 128 };
  }
  return undefined;
}

export type NetworkMatcher = (address: string) => boolean;

export function networkMatcher(list: string[]): NetworkMatcher {
  const blocks: Block[] = [];
  for (const item of list) {
    const m = /^\[?([^\]/]+)\]?(?:\/(\d+))?$/.exec(item.trim());
    if (!m) continue;
    const b = toBits(m[1]);
    if (!b) continue;
    blocks.push({ bits: b.bits, width: b.width, prefix: m[2] === undefined ? b.width : Number(m[2]) });
  }
  return (address: string) => {
    const a = toBits(address);
    if (!a) return false;
    return blocks.some((blk) => {
      if (blk.width !== a.width) return false;
      const shift = BigInt(blk.width - blk.prefix);
      return a.bits >> shift === blk.bits >> shift;
    });
  };
}
