import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Source-routed recipients are not authorized destinations (smtpd_check.c
 * permit_auth_destination, postconf(5) allow_untrusted_routing = no): trivial-rewrite marks a
 * resolved recipient ROUTED when an "@", "!" or "%" is left in its local part — whatever
 * swap_bangpath and allow_percent_hack say locally, since the next hop may honour it — and
 * reject_unauth_destination then answers "Relay access denied" even when the domain is in
 * relay_domains (user%other.example@relay.example, other.example!user@relay.example, the quoted
 * "user@other.example"@relay.example) or is local (user%other.example@$myhostname). A quoted
 * local part is opened up (resolve_dequoted_address = yes), so "user@other.example"@$myhostname
 * resolves to other.example and is refused as an ordinary relay attempt. An RFC 5321
 * source route (@relay.example:user@other.example) is dropped by the canonical rewrite, so the
 * check (and its reply) is about user@other.example. A trailing dot is stripped
 * (user@relay.example. relays to user@relay.example), and a %-hack that ends at a local user
 * (nobody%mx.twinpost.test@mx.twinpost.test) is not routed: it is delivered locally.
 */
const denied = (rcpt: string) => ({ code: 554, text: `5.7.1 <${rcpt}>: Relay access denied` });

const scenario: Scenario = {
  id: 'smtpd-security/relay-routed',
  title: 'routed recipients (%, !, quoted @, source route) are refused by reject_unauth_destination',
  description: 'With allow_untrusted_routing = no, a recipient whose resolved local part still holds a routing operator is not an authorized destination even for a relay_domains or local domain: 554 5.7.1 Relay access denied; only the unrouted recipients are relayed or delivered.',
  sinks: { relay: {} },
  config: {
    main: {
      mynetworks: '192.0.2.0/24',
      relay_domains: 'relay.example',
      smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination',
      transport_maps: 'texthash:$config_directory/transport',
    },
    maps: [{ name: 'transport', content: 'relay.example smtp:{{sink:relay}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO outsider.example', expect: 250 },
        { command: 'MAIL FROM:<alice@outsider.example>', expect: 250 },
        { command: 'RCPT TO:<user%other.example@relay.example>', expect: denied('user%other.example@relay.example') },
        { command: 'RCPT TO:<other.example!user@relay.example>', expect: denied('other.example!user@relay.example') },
        { command: 'RCPT TO:<"user@other.example"@relay.example>', expect: denied('user@other.example@relay.example') },
        { command: 'RCPT TO:<"user%other.example"@relay.example>', expect: denied('user%other.example@relay.example') },
        { command: 'RCPT TO:<user@other.example@mx.twinpost.test>', expect: denied('user@other.example@mx.twinpost.test') },
        { command: 'RCPT TO:<user%other.example@mx.twinpost.test>', expect: denied('user%other.example@mx.twinpost.test') },
        { command: 'RCPT TO:<other.example!user@mx.twinpost.test>', expect: denied('other.example!user@mx.twinpost.test') },
        { command: 'RCPT TO:<@relay.example:user@other.example>', expect: denied('user@other.example') },
        { command: 'RCPT TO:<@mx.twinpost.test:user@other.example>', expect: denied('user@other.example') },
        { command: 'RCPT TO:<user@relay.example.>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<user@relay.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<nobody%mx.twinpost.test@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: routed\r\n\r\nbody\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'relay', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    deliveries: [{ sink: 'relay', from: 'alice@outsider.example', to: ['user@relay.example', 'user@relay.example'], headers: { Subject: 'routed' } }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'routed' } }],
    events: [
      { kind: 'reject', stage: 'RCPT', code: 554, dsn: '5.7.1', to: 'user%other.example@relay.example' },
      { kind: 'reject', stage: 'RCPT', code: 554, dsn: '5.7.1', to: 'other.example!user@relay.example' },
      { kind: 'reject', stage: 'RCPT', code: 554, dsn: '5.7.1', to: 'user%other.example@mx.twinpost.test' },
      { kind: 'delivery', to: 'user@relay.example', origTo: 'user@relay.example.', status: 'sent' },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', origTo: 'nobody%mx.twinpost.test@mx.twinpost.test', status: 'sent' },
    ],
    noEvents: [{ kind: 'delivery', to: /other\.example/ }],
    queue: 'empty',
  },
};
export default scenario;
