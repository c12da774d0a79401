import type { Scenario, Step } from '../../harness/scenario/types.ts';

/**
 * Routing by sender, and recipients trivial-rewrite(8) refuses (postconf(5)
 * sender_dependent_default_transport_maps, sender_dependent_relayhost_maps,
 * empty_address_relayhost_maps_lookup_key, empty_address_default_transport_maps_lookup_key,
 * relocated_maps, virtual_alias_domains, virtual_alias_maps, show_user_unknown_table_name):
 * for a recipient in the default class, a sender found in
 * sender_dependent_default_transport_maps picks the transport (with its nexthop) in place of
 * default_transport, and one found in sender_dependent_relayhost_maps the relay host in place
 * of relayhost; the null sender is looked up as the *_lookup_key ("<null>" here). A recipient
 * in relocated_maps bounces with 5.1.6 "User has moved to"; a virtual alias domain recipient
 * without a virtual_alias_maps entry bounces with 5.1.1 "User unknown", without "in virtual
 * alias table" when show_user_unknown_table_name = no.
 */

/** A local submission from SENDER to RECIPIENTS, then a wait until it has left the queue. */
function submit(sender: string, recipients: string[], count: number): Step[] {
  return [
    { kind: 'sendmail', args: ['-f', sender, ...recipients], message: `Subject: from ${sender}\n\nrouted by sender\n` },
    { kind: 'wait', event: { kind: 'removed' }, count },
  ];
}

const scenario: Scenario = {
  id: 'trivial-rewrite/sender-dependent-routing',
  title: 'sender-dependent transport and relay host, the null-sender lookup keys, relocated_maps, virtual alias domains',
  description: 'Four local submissions: alice\'s mail takes her own transport, carol\'s her own relay host, mail from <> the "<null>" entries, gina\'s the relayhost; a relocated and an unknown virtual alias recipient bounce.',
  sinks: { remote: {}, alice: {}, carol: {}, nullsender: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      sender_dependent_default_transport_maps: 'texthash:$config_directory/sender_transport',
      sender_dependent_relayhost_maps: 'texthash:$config_directory/sender_relay',
      empty_address_relayhost_maps_lookup_key: '<null>',
      empty_address_default_transport_maps_lookup_key: '<null>',
      relocated_maps: 'texthash:$config_directory/relocated',
      virtual_alias_domains: 'valias.example',
      virtual_alias_maps: 'texthash:$config_directory/virtual',
      show_user_unknown_table_name: 'no',
    },
    maps: [
      { name: 'sender_transport', content: 'alice@client.example smtp:{{sink:alice}}\n<null> relay\n' },
      { name: 'sender_relay', content: 'carol@client.example {{sink:carol}}\n<null> {{sink:nullsender}}\n' },
      { name: 'relocated', content: 'dave@mx.twinpost.test dave@new.example\n' },
      { name: 'virtual', content: 'erin@valias.example erin@far.example\n' },
    ],
  },
  steps: [
    ...submit('alice@client.example', ['bob@far.example'], 1),
    ...submit('carol@client.example', ['bob@far.example'], 2),
    ...submit('<>', ['bob@far.example', 'dave@mx.twinpost.test', 'frank@valias.example', 'erin@valias.example'], 3),
    ...submit('gina@client.example', ['bob@far.example'], 4),
  ],
  expect: {
    deliveries: [
      { sink: 'alice', from: 'alice@client.example', to: ['bob@far.example'] },
      { sink: 'carol', from: 'carol@client.example', to: ['bob@far.example'] },
      { sink: 'nullsender', from: '', to: ['bob@far.example', 'erin@far.example'] },
      { sink: 'remote', from: 'gina@client.example', to: ['bob@far.example'] },
    ],
    events: [
      { kind: 'delivery', to: 'dave@mx.twinpost.test', status: 'bounced', dsn: '5.1.6', text: 'User has moved to dave@new.example' },
      { kind: 'delivery', to: 'frank@valias.example', status: 'bounced', dsn: '5.1.1', text: 'User unknown' },
      { kind: 'delivery', to: 'bob@far.example', status: 'sent', relay: /^127\.0\.0\.1\[127\.0\.0\.1\]/, count: 4 },
    ],
    queue: 'empty',
  },
};
export default scenario;
