/**
 * Syntax checks the resolver applies to a recipient domain (valid_hostname, valid_hostaddr,
 * valid_mailhost_literal in Postfix's utility library): a hostname of letters, digits, "_" and
 * inner hyphens, labels ≤ 63, total ≤ 255, not all-numeric; `[1.2.3.4]` / `[IPv6:…]` literals.
 */
import { isIPv6 } from 'node:net';
import { domainToAsciiPostfix } from './idna.ts';
import { allAscii } from './allascii.ts';

export function validHostname(name: string): boolean {
  if (name === '' || name.length > 255) return false;
  let labelLength = 0;
  let nonNumeric = false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (/[A-Za-z0-9_]/.test(c)) {
      if (++labelLength > 63) return false;
      if (!/[0-9]/.test(c)) nonNumeric = true;
    } else if (c === '.') {
      if (labelLength === 0 || i === name.length - 1) return false;
      labelLength = 0;
    } else if (c === '-') {
      nonNumeric = true;
      labelLength++;
      if (labelLength === 1 || i === name.length - 1 || name[i + 1] === '.') return false;
    } else {
      return false;
    }
  }
  return nonNumeric;
}

/**
 * With smtputf8_enable, a non-ASCII domain is valid when it converts to an A-label form.
 * `toAscii` is the conversion of the calling process (a MidnaCache), default uncached and silent.
 */
export function validUtf8Hostname(smtputf8: boolean, name: string, toAscii: (name: string) => string | null = domainToAsciiPostfix): boolean {
  if (name === '') return false;
  if (!smtputf8 || allAscii(name)) return validHostname(name);
  // UTS #46 as Postfix's libicu conversion does it (idna.ts), then the ASCII hostname rules.
  const ascii = toAscii(name);
  return ascii !== null && ascii !== '' && validHostname(ascii);
}

/** midna_domain.c's midna_domain_cache_size: how many names a process keeps converted. */
export const MIDNA_CACHE_SIZE = 256;
/** "%.100s": the most bytes of a name the warning shows. */
const MIDNA_WARN_NAME_BYTES = 100;

/**
 * midna_domain_to_ascii() of one process: conversions kept in a cache of MIDNA_CACHE_SIZE
 * names, the least recently used dropped first (ctable), failures cached too; a name whose
 * A-label form is not a valid hostname is warned about once, when it is first converted
 * (midna_domain_to_ascii_create()). Used by trivial-rewrite's resolver.
 * Differs from Postfix: a name that ICU itself refuses is not warned about (the warning would
 * name ICU's error bits, which are not reproduced here).
 */
export class MidnaCache {
  private readonly entries = new Map<string, string | null>();

  constructor(private readonly warn: (text: string) => void, private readonly size = MIDNA_CACHE_SIZE) {}

  readonly toAscii = (name: string): string | null => {
    if (this.entries.has(name)) {
      const known = this.entries.get(name)!;
      this.entries.delete(name);
      this.entries.set(name, known);
      return known;
    }
    const made = this.create(name);
    if (this.entries.size >= this.size) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(name, made);
    return made;
  };

  private create(name: string): string | null {
    const ascii = domainToAsciiPostfix(name);
    if (ascii === null || validHostname(ascii)) return ascii;
    const shown = Buffer.from(name, 'utf8').subarray(0, MIDNA_WARN_NAME_BYTES).toString('utf8');
    this.warn(`midna_domain_to_ascii_create: Problem translating domain "${shown}" to ASCII form: malformed ASCII label(s)`);
    return null;
  }
}

export function validIPv4(addr: string): boolean {
  const parts = addr.split('.');
  if (parts.length !== 4) return false;
  if (!parts.every((p) => /^\d+$/.test(p) && Number(p) <= 255)) return false;
  // 0.0.0.0 is allowed, 0.x.y.z otherwise not.
  return !(Number(parts[0]) === 0 && /[^0.]/.test(addr));
}

export function validIPv6(addr: string): boolean {
  return isIPv6(addr) && !addr.includes('%');
}

/** Numeric host address: IPv6 if it contains ":", else IPv4. */
export function validHostaddr(addr: string): boolean {
  return addr.includes(':') ? validIPv6(addr) : validIPv4(addr);
}

/** The address inside a mail literal: "IPv6:..." → IPv6, else IPv4; null if invalid. */
export function mailhostAddr(inner: string): string | null {
  if (/^ipv6:/i.test(inner)) {
    const bare = inner.slice(5);
    return validIPv6(bare) ? bare : null;
  }
  return validIPv4(inner) ? inner : null;
}

/** `[address]` with nothing after the bracket. */
export function validMailhostLiteral(literal: string): boolean {
  if (!literal.startsWith('[')) return false;
  const close = literal.indexOf(']');
  if (close < 0 || close !== literal.length - 1) return false;
  return mailhostAddr(literal.slice(1, close)) !== null;
}
