/**
 * Address-keyed table search (mail_addr_find in Postfix's global library): which keys are tried,
 * in which order, for an internal-form address user+ext@domain:
 *   full        user+ext@domain            (all tables)
 *   noExt       user@domain                (key/value tables only; needs recipient_delimiter)
 *   localIfLocal user+ext, user            (only when domain is $myorigin or local)
 *   atDomain    @domain
 *   domain      domain, then parents: ".parent" (or "parent" with parentStyle)
 * Address keys are tried in quoted (external) form first, then as given if that differs.
 */
import type { Maps } from '../../global/maps.ts';
import { quoteLocal } from '../../global/tok822.ts';

export interface FindStrategy {
  full?: boolean;
  noExt?: boolean;
  localIfLocal?: (domain: string) => Promise<boolean>;
  atDomain?: boolean;
  domain?: boolean;
  parentStyle?: boolean;
}

/** Remove the address extension from the local part, if any (split_addr rules). */
export function stripExtension(address: string, delimiters: string): string | null {
  if (!delimiters) return null;
  const at = address.lastIndexOf('@');
  const local = at < 0 ? address : address.slice(0, at);
  const lower = local.toLowerCase();
  if (lower === 'postmaster' || lower === 'mailer-daemon' || lower === 'double-bounce') return null;
  if (delimiters.includes('-') && (lower.startsWith('owner-') || (lower.length > 8 && lower.endsWith('-request')))) return null;
  let i = 0;
  while (i < local.length && !delimiters.includes(local[i])) i++;
  if (i === 0 || i === local.length) return null;
  return local.slice(0, i) + (at < 0 ? '' : address.slice(at));
}

async function findQuotedFirst(maps: Maps, key: string, partial: boolean, bareLocal = false): Promise<string | null> {
  const external = quoteLocal(key, bareLocal);
  const hit = await maps.find(external, partial);
  if (hit !== null || external === key) return hit;
  return maps.find(key, partial);
}

/** Search `maps` for an address with the given strategy; null if not found. Throws TableLookupError. */
export async function mailAddrFind(maps: Maps, address: string, delimiters: string, how: FindStrategy): Promise<string | null> {
  const bare = how.noExt ? stripExtension(address, delimiters) : null;
  let hit: string | null = null;
  if (how.full) hit = await findQuotedFirst(maps, address, false);
  if (hit === null && bare !== null) hit = await findQuotedFirst(maps, bare, true);
  const at = address.lastIndexOf('@');
  if (at < 0) return hit;
  const domain = address.slice(at + 1);
  if (hit === null && how.localIfLocal && (await how.localIfLocal(domain))) {
    hit = await findQuotedFirst(maps, address.slice(0, at), true, true);
    if (hit === null && bare !== null) hit = await findQuotedFirst(maps, bare.slice(0, bare.lastIndexOf('@')), true, true);
  }
  if (hit === null && how.atDomain) hit = await maps.find(address.slice(at), true);
  if (hit === null && how.domain) {
    for (let name = domain; name; ) {
      hit = await maps.find(name, true);
      const dot = name.indexOf('.', 1);
      if (hit !== null || dot < 0) break;
      name = how.parentStyle ? name.slice(dot + 1) : name.slice(dot);
    }
  }
  return hit;
}
