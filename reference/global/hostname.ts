/**
 * Syntax checks the resolver applies to a recipient domain (valid_hostname, valid_hostaddr,
 * valid_mailhost_literal in Postfix's utility library): a hostname of letters, digits, "_" and
 * inner hyphens, labels ≤ 63, total ≤ 255, not all-numeric; `[1.2.3.4]` / `[IPv6:…]` literals.
 */
import { isIPv6 } from 'node:net';
import { domainToAsciiPostfix } from './idna.ts';

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

/** With smtputf8_enable, a non-ASCII domain is valid when it converts to an A-label form. */
export function validUtf8Hostname(smtputf8: boolean, name: string): boolean {
  if (name === '') return false;
  if (!smtputf8 || /^[\x00-\x7f]*$/.test(name)) return validHostname(name);
  // UTS #46 as Postfix's libicu conversion does it (idna.ts), then the ASCII hostname rules.
  const ascii = domainToAsciiPostfix(name);
  return ascii !== null && ascii !== '' && validHostname(ascii);
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
