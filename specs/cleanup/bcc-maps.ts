import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * cleanup(8) adds blind copies to mail from outside (postconf(5) sender_bcc_maps,
 * recipient_bcc_maps, always_bcc): a sender found in sender_bcc_maps adds the table's
 * address as a recipient, each recipient found in recipient_bcc_maps adds its own, and
 * always_bcc adds one address to every message; the copies are rewritten like other
 * recipients (an unqualified always_bcc gets @$myorigin), and a copy
 * that is already a recipient is not added twice. Nothing shows in the headers.
 */
const scenario: Scenario = {
  id: 'cleanup/bcc-maps',
  title: 'sender_bcc_maps, recipient_bcc_maps and always_bcc',
  description: 'One message from a sender with a bcc entry to two recipients, one with a bcc entry: the peer gets the two recipients plus the sender copy and the recipient copy, and always_bcc goes to the local archive mailbox.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      sender_bcc_maps: 'texthash:$config_directory/sender_bcc',
      recipient_bcc_maps: 'texthash:$config_directory/recipient_bcc',
      always_bcc: 'nobody',
    },
    maps: [
      { name: 'sender_bcc', content: 'alice@client.example audit@far.example\n' },
      { name: 'recipient_bcc', content: 'bob@far.example boss@far.example\ncarol@far.example audit@far.example\n' },
    ],
  },
  steps: [
    oneMessage({
      to: ['bob@far.example', 'carol@far.example'],
      data: 'From: alice@client.example\r\nTo: bob@far.example, carol@far.example\r\nSubject: copies\r\n\r\nwatched\r\n',
    }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['audit@far.example', 'bob@far.example', 'boss@far.example', 'carol@far.example'], noHeaders: ['Bcc'] },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'copies' } }],
    events: [{ kind: 'queue-active', nrcpt: 5 }],
    queue: 'empty',
  },
};
export default scenario;
