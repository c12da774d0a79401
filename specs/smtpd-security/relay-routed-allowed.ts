import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * allow_untrusted_routing = yes lets permit_auth_destination accept a routed recipient whose
 * resolved domain is in relay_domains (smtpd_check.c permit_auth_destination, postconf(5)): the
 * %, ! and quoted-@ forms below are relayed to relay.example's next hop with the local part
 * unchanged. With swap_bangpath = no, allow_percent_hack = no and resolve_dequoted_address = no
 * trivial-rewrite leaves those operators alone, so the same forms at $myhostname stay local
 * and are checked against the local recipient table (550 5.1.1 User unknown) instead of being
 * turned into other.example addresses. A recipient elsewhere, including one behind an RFC 5321
 * source route, is still refused: the list ends in "reject".
 */
const scenario: Scenario = {
  id: 'smtpd-security/relay-routed-allowed',
  title: 'allow_untrusted_routing = yes relays routed relay_domains recipients; routing operators off stay local',
  description: 'permit_auth_destination accepts user%other.example@relay.example, other.example!user@relay.example and "user@other.example"@relay.example and they reach the relay peer unchanged; with the routing operators off, the same local parts at $myhostname are unknown local users (550 5.1.1).',
  sinks: { relay: {} },
  config: {
    main: {
      mynetworks: '192.0.2.0/24',
      relay_domains: 'relay.example',
      allow_untrusted_routing: 'yes',
      swap_bangpath: 'no',
      allow_percent_hack: 'no',
      resolve_dequoted_address: 'no',
      smtpd_relay_restrictions: 'permit_auth_destination, reject',
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
        { command: 'RCPT TO:<user%other.example@relay.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<other.example!user@relay.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<"user@other.example"@relay.example>', expect: '250 2.1.5' },
        {
          command: 'RCPT TO:<user@other.example@mx.twinpost.test>',
          expect: { code: 550, text: '5.1.1 <user@other.example@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' },
        },
        {
          command: 'RCPT TO:<user%other.example@mx.twinpost.test>',
          expect: { code: 550, text: '5.1.1 <user%other.example@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' },
        },
        {
          command: 'RCPT TO:<other.example!user@mx.twinpost.test>',
          expect: { code: 550, text: '5.1.1 <other.example!user@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' },
        },
        { command: 'RCPT TO:<@relay.example:user@other.example>', expect: { code: 554, text: '5.7.1 <user@other.example>: Recipient address rejected: Access denied' } },
        { command: 'RCPT TO:<user@other.example>', expect: { code: 554, text: '5.7.1 <user@other.example>: Recipient address rejected: Access denied' } },
        { data: 'Subject: routed\r\n\r\nbody\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'relay', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    deliveries: [
      {
        sink: 'relay',
        from: 'alice@outsider.example',
        // qmgr sorts a message's recipients before it batches them.
        to: ['other.example!user@relay.example', 'user%other.example@relay.example', '"user@other.example"@relay.example'],
        headers: { Subject: 'routed' },
      },
    ],
    events: [
      { kind: 'delivery', to: 'user%other.example@relay.example', status: 'sent' },
      { kind: 'delivery', to: 'other.example!user@relay.example', status: 'sent' },
      { kind: 'delivery', to: '"user@other.example"@relay.example', status: 'sent' },
    ],
    noEvents: [{ kind: 'delivery', to: /@other\.example$/ }],
    queue: 'empty',
  },
};
export default scenario;
