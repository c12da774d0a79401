import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * How trivial-rewrite(8) resolves a recipient's domain, and what smtpd(8) answers from that
 * (postconf(5) mydestination, resolve_numeric_domain, resolve_null_domain,
 * parent_domain_matches_subdomains, allow_min_user).
 * A domain listed in mydestination is local. With resolve_numeric_domain = yes, "user@1.2.3.4"
 * is taken as "user@[1.2.3.4]" (here the machine's own address, so local) instead of being
 * refused as invalid; with resolve_null_domain = yes, "user@" is taken as the local host
 * instead of being refused. When relay_domains is not in parent_domain_matches_subdomains,
 * "example.org" there no longer covers sub.example.org: only ".example.org" would. With
 * allow_min_user = yes, a local part that starts with "-" is allowed.
 */
const scenario: Scenario = {
  id: 'trivial-rewrite/resolve-domains',
  title: 'mydestination, resolve_numeric_domain, resolve_null_domain, parent_domain_matches_subdomains, allow_min_user',
  description: 'A client outside mynetworks: local domains, a numeric domain and a null domain are accepted for local delivery; example.org relays but sub.example.org does not; "-bob" is accepted.',
  sinks: { remote: {} },
  config: {
    main: {
      mynetworks: '127.0.0.2/32',
      mydestination: '$myhostname, localhost, other.test',
      relay_domains: 'example.org',
      transport_maps: 'texthash:$config_directory/transport',
      resolve_numeric_domain: 'yes',
      resolve_null_domain: 'yes',
      parent_domain_matches_subdomains: '',
      allow_min_user: 'yes',
    },
    maps: [{ name: 'transport', content: 'example.org smtp:{{sink:remote}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@other.test>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<daemon@127.0.0.1>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<bin@>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<ann@example.org>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<-bob@example.org>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<sue@sub.example.org>', expect: { code: 454, text: '4.7.1 <sue@sub.example.org>: Relay access denied' } },
        { data: 'From: alice@client.example\r\nSubject: resolved\r\n\r\nwhere does it go\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['-bob@example.org', 'ann@example.org'], headers: { Subject: 'resolved' } }],
    mailboxes: [
      { user: 'nobody', messages: 1, headers: { 'Delivered-To': 'nobody@other.test' } },
      { user: 'daemon', messages: 1 },
      { user: 'bin', messages: 1 },
    ],
    events: [
      { kind: 'delivery', to: 'nobody@other.test', relay: 'local', status: 'sent' },
      // the canonical forms: the numeric domain in brackets, the null domain as $myhostname
      { kind: 'delivery', to: 'daemon@[127.0.0.1]', origTo: 'daemon@127.0.0.1', relay: 'local', status: 'sent' },
      { kind: 'delivery', to: 'bin@mx.twinpost.test', origTo: 'bin@', relay: 'local', status: 'sent' },
      { kind: 'delivery', relay: 'local', status: 'sent', count: 3 },
    ],
    queue: 'empty',
  },
};
export default scenario;
