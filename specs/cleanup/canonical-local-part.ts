import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * A canonical(5) or virtual(5) value "@domain" keeps the address's local part (mail_addr_map.c):
 * everything before the last "@" of the address in internal form, or the whole address when
 * it has none; the result is quoted again. With append_at_myorigin = no an unqualified
 * recipient reaches recipient_canonical_maps as it came ("nobody"): "nobody @mx.twinpost.test"
 * makes it nobody@mx.twinpost.test. A recipient with an empty local part ("@odd.example",
 * accepted by smtpd) has nothing before its "@": "@odd.example @remote.example" makes it
 * ""@remote.example. The same in virtual_alias_maps, for the item "@list.example" of a list
 * (it is looked up as it stands, starting with "@"). Written for the mutation campaign: no
 * other scenario had an address without "@", or one starting with it, meet an "@domain" value.
 */
const scenario: Scenario = {
  id: 'cleanup/canonical-local-part',
  title: 'an "@domain" map value keeps the whole unqualified name, or an empty local part',
  description: 'append_at_myorigin = no; recipient_canonical_maps maps "nobody" to @mx.twinpost.test (nobody\'s mailbox) and "@odd.example" to @remote.example (relayed to ""@remote.example); virtual_alias_maps expands fan to daemon and "@list.example", which becomes ""@remote.example.',
  sinks: { remote: {} },
  config: relayToRemote(
    {
      append_at_myorigin: 'no',
      recipient_canonical_maps: 'texthash:$config_directory/canonical',
      virtual_alias_maps: 'texthash:$config_directory/virtual',
    },
    [
      { name: 'canonical', content: 'nobody @mx.twinpost.test\n@odd.example @remote.example\n' },
      { name: 'virtual', content: 'fan@mx.twinpost.test daemon@mx.twinpost.test, @list.example\n@list.example @remote.example\n' },
    ],
  ),
  steps: [
    oneMessage({ name: 'canonical', to: ['nobody', '@odd.example'], data: 'Subject: canonical\r\n\r\nHello.\r\n' }),
    ...awaitRelayed(),
    oneMessage({ name: 'virtual', to: 'fan@mx.twinpost.test', data: 'Subject: virtual\r\n\r\nHello.\r\n' }),
    ...awaitRelayed(2),
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', origTo: 'nobody', status: 'sent' },
      { kind: 'delivery', to: '""@remote.example', origTo: '""@odd.example', status: 'sent' },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', origTo: 'fan@mx.twinpost.test', status: 'sent' },
      { kind: 'delivery', to: '""@remote.example', origTo: 'fan@mx.twinpost.test', status: 'sent' },
    ],
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['""@remote.example'], headers: { Subject: 'canonical' } },
      { sink: 'remote', from: 'alice@client.example', to: ['""@remote.example'], headers: { Subject: 'virtual' } },
    ],
    mailboxes: [
      { user: 'nobody', messages: 1, headers: { Subject: 'canonical', 'Delivered-To': 'nobody@mx.twinpost.test' } },
      { user: 'daemon', messages: 1, headers: { Subject: 'virtual', 'Delivered-To': 'daemon@mx.twinpost.test' } },
    ],
    queue: 'empty',
  },
};
export default scenario;
