/**
 * Generated addresses for the trivial-rewrite differential fuzzer: local parts (plain, dotted,
 * with extensions, quoted, with RFC 822 specials, UTF-8, empty, very long) combined with the
 * routing forms trivial-rewrite(8) knows (user@domain, user%domain, site!user, source routes
 * @a,@b:user@domain, nested forms) and domains drawn from the configurations' pool (mixed case,
 * trailing dots, address literals, numeric, UTF-8, over-long labels, empty), plus raw strings
 * built from special-character fragments. The same string is asked as a rewrite input and as a
 * resolve input.
 *
 * Left out on purpose: NUL (it ends an attribute on the wire), lone surrogates (no UTF-8
 * form), and non-empty all-blank strings: real trivial-rewrite panics on a rewrite of those
 * ("rewrite_tree: empty tree") and the master then throttles the service.
 */
import fc from 'fast-check';
import { FUZZ_DOMAINS } from './rewrite-config.ts';

/** Would real trivial-rewrite's rewrite request crash on this input? (blank per tok822: SP HT CR LF) */
export function crashesRealRewrite(address: string): boolean {
  return address !== '' && /^[ \t\r\n]+$/.test(address);
}

/** Can this string be asked of both implementations? */
export function askable(address: string): boolean {
  return !address.includes('\0') && !/\p{Cs}/u.test(address) && !crashesRealRewrite(address);
}

const mixCase = (s: string, style: number) =>
  style === 1 ? s.toUpperCase() : style === 2 ? s.replace(/(^|\.)(.)/g, (_m, p: string, c: string) => p + c.toUpperCase()) : s;

const atom = fc.constantFrom(
  'user', 'User.Name', 'u+ext', 'u+', '+u', 'u-ext', 'u++x', 'postmaster', 'MAILER-DAEMON', 'owner-list', 'list-request',
  'jörg', 'ü', '用户', '-dash', '.lead', 'trail.', 'a..b', 'a=b', 'x_y', '',
);
const quoted = fc.constantFrom('"a b"', '"a@b"', '"x%y"', '"a!b"', '""', '"q\\"x"', '"u@x@y"', '"a b"@"c"', '"@"');
const fragment = fc.constantFrom(
  'u', 'x', 'host', 'example', 'localhost', '@', '.', '..', '%', '!', '"', ' ', '\\', '(', ')', '[', ']', '<', '>', ',', ':',
  ';', '+', '-', 'ü', '\t', '|', '127.0.0.1', '[IPv6:::1]', 'loc.example', 'rl.example', 'postmaster', '\r\n',
);
const raw = fc.array(fragment, { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const long = fc.tuple(fc.integer({ min: 64, max: 1100 }), fc.constantFrom('x', 'ab.', 'ü')).map(([n, s]) => s.repeat(Math.ceil(n / s.length)));
const local = fc.oneof({ weight: 5, arbitrary: atom }, { weight: 2, arbitrary: quoted }, { weight: 2, arbitrary: raw }, { weight: 1, arbitrary: long });

const domain = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom(...FUZZ_DOMAINS), fc.integer({ min: 0, max: 2 })).map(([d, s]) => mixCase(d, s)) },
  { weight: 3, arbitrary: fc.constantFrom('[127.0.0.1]', '[192.0.2.1]', '[192.0.2.9]', '[IPv6:::1]', '[1.2.3]', '[bad]', '192.0.2.1', 'sub.RL.example') },
  { weight: 2, arbitrary: fc.constantFrom('', 'dom..', '.', 'bad_dom', '-bad.example', 'exa-mple.example', 'host', 'Bücher.Example', 'ü-.com') },
  { weight: 1, arbitrary: fc.integer({ min: 60, max: 300 }).map((n) => `${'l'.repeat(n)}.example`) },
);
const withDot = fc.tuple(domain, fc.integer({ min: 0, max: 5 })).map(([d, k]) => (k === 0 ? `${d}.` : d));

/** Routing forms around a local part and domains. */
const routed = fc.oneof(
  { weight: 6, arbitrary: fc.tuple(local, withDot).map(([l, d]) => `${l}@${d}`) },
  { weight: 2, arbitrary: local },
  { weight: 2, arbitrary: fc.tuple(local, withDot).map(([l, d]) => `${l}%${d}`) },
  { weight: 2, arbitrary: fc.tuple(withDot, local).map(([d, l]) => `${d}!${l}`) },
  { weight: 2, arbitrary: fc.tuple(local, withDot, withDot).map(([l, a, b]) => `${l}%${a}@${b}`) },
  { weight: 1, arbitrary: fc.tuple(withDot, local, withDot).map(([a, l, b]) => `${a}!${l}@${b}`) },
  { weight: 1, arbitrary: fc.tuple(local, withDot, withDot).map(([l, a, b]) => `${l}@${a}@${b}`) },
  { weight: 2, arbitrary: fc.tuple(fc.array(withDot, { minLength: 1, maxLength: 3 }), local, withDot)
      .map(([route, l, d]) => `${route.map((r) => `@${r}`).join(',')}:${l}@${d}`) },
);

/** The arbitrary of addresses (already filtered to askable ones). */
export const rewriteAddressArb: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: routed },
  { weight: 2, arbitrary: raw },
  { weight: 1, arbitrary: fc.constantFrom('', '@', '<>', '""', 'MAILER-DAEMON', 'u@', '@:u') },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
).filter(askable);
