import type { Scenario, Step } from '../../harness/scenario/types.ts';

/**
 * Who a list's mail comes from and which Delivered-To: it carries (postconf(5)
 * expand_owner_alias, frozen_delivered_to; local/alias.c, mailbox.c).
 * expand_owner_alias = yes: a list with an owner-<list> alias gets the owner alias's value
 * (canonicalised) as envelope sender, not the name owner-<list>@$myorigin.
 * frozen_delivered_to = no: the Delivered-To: address follows the alias expansion, so a copy
 * forwarded from a nested alias and a mailbox reached through an alias name the address
 * being delivered at that point, not the recipient the delivery request started with.
 */

/** One message to RCPT, then wait until local(8) has logged its delivery. */
function message(rcpt: string, subject: string, waitFor: string): Step[] {
  return [
    {
      kind: 'smtp',
      name: subject,
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: `RCPT TO:<${rcpt}>`, expect: '250 2.1.5' },
        { data: `Subject: ${subject}\r\n\r\nHi.\r\n`, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: waitFor } },
  ];
}

const scenario: Scenario = {
  id: 'local/owner-and-delivered-to',
  title: 'expand_owner_alias = yes, frozen_delivered_to = no',
  description: 'A list with an owner alias is sent out with the owner\'s address as sender; a nested alias forwards with Delivered-To: of the inner alias; a mailbox reached through an alias gets Delivered-To: of the user.',
  sinks: { remote: {} },
  config: {
    main: {
      alias_maps: 'lmdb:$config_directory/aliases',
      transport_maps: 'texthash:$config_directory/transport',
      expand_owner_alias: 'yes',
      frozen_delivered_to: 'no',
    },
    maps: [
      { name: 'transport', content: 'far.example smtp:{{sink:remote}}\n' },
      {
        name: 'aliases',
        content: [
          'list: carol@far.example',
          'owner-list: listadmin@far.example',
          'chain: hop',
          'hop: dave@far.example',
          'viaalias: nobody',
          '',
        ].join('\n'),
        build: 'postalias',
      },
    ],
  },
  steps: [
    ...message('list@mx.twinpost.test', 'to the list', 'carol@far.example'),
    ...message('chain@mx.twinpost.test', 'down the chain', 'dave@far.example'),
    ...message('viaalias@mx.twinpost.test', 'through an alias', 'nobody@mx.twinpost.test'),
    { kind: 'wait-sink', sink: 'remote', messages: 2 },
    { kind: 'wait', event: { kind: 'removed' }, count: 5 },
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'listadmin@far.example', to: ['carol@far.example'], headers: { 'Delivered-To': 'list@mx.twinpost.test', Subject: 'to the list' } },
      { sink: 'remote', from: 'alice@client.example', to: ['dave@far.example'], headers: { 'Delivered-To': 'hop@mx.twinpost.test', Subject: 'down the chain' } },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { 'Delivered-To': 'nobody@mx.twinpost.test', Subject: 'through an alias' } }],
    events: [
      { kind: 'delivery', to: 'list@mx.twinpost.test', status: 'sent', text: /^forwarded as / },
      { kind: 'delivery', to: 'chain@mx.twinpost.test', status: 'sent', text: /^forwarded as / },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', origTo: 'viaalias@mx.twinpost.test', status: 'sent', text: 'delivered to mailbox' },
    ],
    queue: 'empty',
  },
};
export default scenario;
