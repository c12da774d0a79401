// In-process trivial-rewrite: the verified resolve table (postfix-internals.md §2.6) and
// rewrite cases verified against Postfix 3.7.11, as fixed regression cases.
import { describe, expect, it } from 'vitest';
import { createTrivialRewrite } from './index.ts';
import {
  RESOLVE_CLASS_ALIAS, RESOLVE_CLASS_DEFAULT, RESOLVE_CLASS_LOCAL, RESOLVE_CLASS_RELAY, RESOLVE_CLASS_VIRTUAL,
  RESOLVE_FLAG_ERROR, RESOLVE_FLAG_ROUTED,
} from '../../global/resolve-clnt.ts';

const LOCAL = RESOLVE_CLASS_LOCAL;
const DEFAULT = RESOLVE_CLASS_DEFAULT;
/** Bad syntax: class DEFAULT with the ERROR flag. */
const ERROR = RESOLVE_CLASS_DEFAULT | RESOLVE_FLAG_ERROR;

const base = {
  myhostname: 'host.example.com',
  mydomain: 'example.com',
  relay_domains: 'relay.example',
  virtual_alias_domains: 'valias.example',
  virtual_mailbox_domains: 'vmbox.example',
  inet_interfaces: 'loopback-only',
};

describe('resolve (verified table)', () => {
  const tr = createTrivialRewrite(base);
  const cases: [string, string, string, string, number][] = [
    ['user', 'local', 'host.example.com', 'user@host.example.com', LOCAL],
    ['u@valias.example', 'error', '5.1.1 User unknown in virtual alias table', 'u@valias.example', RESOLVE_CLASS_ALIAS],
    ['u@vmbox.example', 'virtual', 'vmbox.example', 'u@vmbox.example', RESOLVE_CLASS_VIRTUAL],
    ['u@relay.example', 'relay', 'relay.example', 'u@relay.example', RESOLVE_CLASS_RELAY],
    ['u@other.example', 'smtp', 'other.example', 'u@other.example', DEFAULT],
    ['u@[127.0.0.1]', 'local', 'host.example.com', 'u@[127.0.0.1]', LOCAL],
    ['u@[192.0.2.1]', 'smtp', '[192.0.2.1]', 'u@[192.0.2.1]', DEFAULT],
    ['host!user', 'smtp', 'host', 'user@host', DEFAULT],
    ['u+ext@other.example', 'smtp', 'other.example', 'u+ext@other.example', DEFAULT],
    ['u@', 'CHANNEL NOT UPDATED', 'NEXTHOP NOT UPDATED', 'u@', ERROR],
    ['', 'local', 'host.example.com', 'MAILER-DAEMON@host.example.com', LOCAL],
    ['a%b@host.example.com', 'smtp', 'b', 'a@b', DEFAULT],
    ['u@x@host.example.com', 'smtp', 'x', 'u@x', DEFAULT],
    ['u@localhost', 'local', 'host.example.com', 'u@localhost', LOCAL],
    ['u@192.0.2.1', 'CHANNEL NOT UPDATED', 'NEXTHOP NOT UPDATED', 'u@192.0.2.1', ERROR],
    ['u@bad_dom', 'smtp', 'bad_dom', 'u@bad_dom', DEFAULT],
    ['-u@other.example', 'smtp', 'other.example', '-u@other.example', ERROR],
    // Found by the differential fuzzer: a UTF-8 label ending in "-" is not a valid domain.
    ['!ü-!com', 'CHANNEL NOT UPDATED', 'NEXTHOP NOT UPDATED', 'com@ü-', ERROR],
    ['ü@bücher.example', 'smtp', 'bücher.example', 'ü@bücher.example', DEFAULT],
    // loopback-only with inet_protocols=all includes ::1 (with ipv4 only it is remote: differential test).
    ['u@[IPv6:::1]', 'local', 'host.example.com', 'u@[IPv6:::1]', LOCAL],
    ['u@[1.2.3]', 'CHANNEL NOT UPDATED', 'NEXTHOP NOT UPDATED', 'u@[1.2.3]', ERROR],
  ];
  for (const [address, transport, nexthop, recipient, flags] of cases) {
    it(`resolves ${JSON.stringify(address)}`, async () => {
      expect(await tr.resolve('', address)).toEqual({ transport, nexthop, recipient, flags });
    });
  }

  it('honours resolve_null_domain, resolve_dequoted_address=no and resolve_numeric_domain', async () => {
    const nulldom = createTrivialRewrite({ ...base, resolve_null_domain: 'yes' });
    expect(await nulldom.resolve('', 'u@')).toEqual({ transport: 'local', nexthop: 'host.example.com', recipient: 'u@host.example.com', flags: LOCAL });
    const quoted = createTrivialRewrite({ ...base, resolve_dequoted_address: 'no' });
    expect(await quoted.resolve('', 'u@x@host.example.com')).toEqual({ transport: 'local', nexthop: 'host.example.com', recipient: 'u@x@host.example.com', flags: LOCAL | RESOLVE_FLAG_ROUTED });
    const numeric = createTrivialRewrite({ ...base, resolve_numeric_domain: 'yes' });
    expect(await numeric.resolve('', 'u@192.0.2.1')).toEqual({ transport: 'smtp', nexthop: '[192.0.2.1]', recipient: 'u@[192.0.2.1]', flags: DEFAULT });
  });

  it('applies relayhost to relay and default classes only', async () => {
    const tr2 = createTrivialRewrite({ ...base, relayhost: '[gw.example]:587' });
    expect((await tr2.resolve('', 'u@relay.example')).nexthop).toBe('[gw.example]:587');
    expect((await tr2.resolve('', 'u@other.example')).nexthop).toBe('[gw.example]:587');
    expect((await tr2.resolve('', 'u@localhost')).nexthop).toBe('host.example.com');
    expect((await tr2.resolve('', 'u@vmbox.example')).nexthop).toBe('vmbox.example');
  });

  it('uses transport_maps, sender_dependent_relayhost_maps and relocated_maps', async () => {
    const tr2 = createTrivialRewrite({
      ...base,
      transport_maps: 'inline:{other.example=relay:[gw2.example], plain.example=relay:, .sub.example=:[hop], *=discard:}',
      sender_dependent_relayhost_maps: 'inline:{me@s.example=[sgw.example]}',
      relocated_maps: 'inline:{gone@host.example.com=new@else.example}',
    });
    expect(await tr2.resolve('', 'u@other.example')).toMatchObject({ transport: 'relay', nexthop: '[gw2.example]' });
    expect(await tr2.resolve('', 'u@plain.example')).toMatchObject({ transport: 'relay', nexthop: 'plain.example' });
    expect(await tr2.resolve('', 'u@a.sub.example')).toMatchObject({ transport: 'smtp', nexthop: '[hop]' });
    expect(await tr2.resolve('', 'user')).toMatchObject({ transport: 'discard', nexthop: 'host.example.com' });
    expect(await tr2.resolve('', 'gone')).toMatchObject({ transport: 'error', nexthop: '5.1.6 User has moved to new@else.example', flags: LOCAL });
    const snd = createTrivialRewrite({ ...base, sender_dependent_relayhost_maps: 'inline:{me@s.example=[sgw.example]}' });
    expect(await snd.resolve('me@s.example', 'u@other.example')).toEqual({ transport: 'smtp', nexthop: '[sgw.example]', recipient: 'u@other.example', flags: DEFAULT });
  });

  it('accepts a transport lookup function in place of transport_maps', async () => {
    const tr2 = createTrivialRewrite(base, async (key) => (key === 'other.example' ? 'relay:[fn.example]' : null));
    expect(await tr2.resolve('', 'u@other.example')).toMatchObject({ transport: 'relay', nexthop: '[fn.example]' });
    expect(await tr2.resolve('', 'u@third.example')).toMatchObject({ transport: 'smtp', nexthop: 'third.example' });
  });

  it('reports FAIL when a table lookup fails', async () => {
    const tr2 = createTrivialRewrite({ ...base, transport_maps: 'broken:x' }, {
      openTable: () => ({ fixed: true, lookup: async () => { throw new Error('down'); } }),
    });
    expect((await tr2.resolve('', 'u@other.example')).flags & 8).toBe(8);
  });
});

describe('rewrite (verified cases)', () => {
  const tr = createTrivialRewrite(base);
  const local: [string, string][] = [
    ['user', 'user@host.example.com'],
    ['@a,@b:user@dom', 'user@dom'],
    ['site!user', 'user@site'],
    ['user%site', 'user@site'],
    ['"a@b"', '"a@b"@host.example.com'],
    ['user@dom.', 'user@dom'],
    ['', ''],
  ];
  for (const [input, output] of local) {
    it(`local ${JSON.stringify(input)}`, async () => {
      expect((await tr.rewrite('local', input)).address).toBe(output);
    });
  }
  it('remote context appends nothing without remote_header_rewrite_domain', async () => {
    expect((await tr.rewrite('remote', 'user')).address).toBe('user');
  });
  it('append_dot_mydomain=yes appends the context domain', async () => {
    const tr2 = createTrivialRewrite({ ...base, append_dot_mydomain: 'yes', remote_header_rewrite_domain: 'domain.invalid' });
    expect((await tr2.rewrite('local', 'user@host')).address).toBe('user@host.example.com');
    expect((await tr2.rewrite('remote', 'user@host')).address).toBe('user@host.domain.invalid');
  });
});
