/**
 * The address corpus for the trivial-rewrite differential tests: ~200 varied addresses made of
 * local parts × domains plus hand-picked oddities (routing operators, source routes, quoting,
 * trailing dots, mixed case, empty forms, literals, UTF-8). Internal form (as resolve takes it).
 */
const LOCALS = [
  'user', 'User.Name', 'u+ext', 'a b', 'a@b', 'a%b', 'site!user', '-dash', 'postmaster', 'MAILER-DAEMON', 'gone', 'u-x',
  'owner-list', 'list-request', '', 'a..b', '.lead', 'trail.', 'x"y', 'jörg',
];
const DOMAINS = [
  null, 'host.example.com', 'HOST.Example.COM', 'localhost', 'example.com', 'other.example', 'sub.other.example',
  'relay.example', 'sub.relay.example', 'valias.example', 'vmbox.example', '[127.0.0.1]', '[192.0.2.1]',
  'other.example.', 'host.example.com.', 'bad_dom', 'dom..', '192.0.2.1', 'example.net', 'a.b.example.net', 'valias2.example', 'moved.example', '[192.0.2.9]',
];
const EXTRA = [
  '', '@', '@other.example', '@a,@b:user@other.example', '@a:user', 'u%v%w@host.example.com', 'a!b!c',
  'user@host.example.com@other.example', 'u@v@w', 'bang!user@host.example.com', 'user%other.example@localhost',
  'user%other.example@[127.0.0.1]', 'u@[IPv6:::1]', 'u@[IPv6:2001:db8::1]', 'u@[1.2.3]', 'u@[bad]', 'u@-bad.example',
  'u@exa-mple.example', 'u@xn--bcher-kva.example', 'ü@bücher.example', 'u@other.example.', 'u@.', 'u.', 'u@@x',
  'Postmaster', '"quoted"@other.example', '"a b"@host.example.com', 'u+@other.example', '+u@other.example', 'u++x@other.example',
  'u@OTHER.EXAMPLE', 'USER@LOCALHOST', 'u@relay.example.', 'x!y@relay.example', 'x%y%z', 'a@b@c@host.example.com',
];

export function rewriteCorpus(): string[] {
  const out = new Set<string>(EXTRA);
  for (const l of LOCALS) for (const d of DOMAINS) out.add(d === null ? l : `${l}@${d}`);
  return [...out];
}

/** External-form inputs for the rewrite request (quoted where needed, plus raw oddities). */
export const REWRITE_EXTRA = [
  '"a b"@x', '"a@b"', 'a\\@b', 'user (comment)', 'user@dom (comment)', '<user@dom>', 'First Last <u@d>', 'a,b',
  'user@[1.2.3.4]', 'user@host', 'user@host.', 'user@host..', '@', '@dom', '"", ', '""', 'u@dom.example.', '!user', 'site!',
  '%site', 'user%', 'u\\ v', '"x"y@z', 'a.b.c', 'u@x.y@z', '@a,@b:c', '@a:b:c@d',
];
