import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * Which addresses cleanup(8)'s canonical maps and masquerading touch (canonical(5);
 * postconf(5) sender_canonical_maps, recipient_canonical_maps, canonical_maps and their
 * sender_canonical_classes, recipient_canonical_classes, canonical_classes; masquerade_domains,
 * masquerade_exceptions, masquerade_classes): each table list applies to the envelope sender,
 * the envelope recipients, the sender-type headers (From:, Reply-To: …) and the
 * recipient-type headers (To:, Cc: …) only as far as its classes parameter names them. A
 * table value "@domain" keeps the local part. masquerade_domains turns an address in a
 * subdomain of a listed domain into one at that domain, except for users listed in
 * masquerade_exceptions, in the classes masquerade_classes names. Header addresses are mapped
 * only for a client in local_header_rewrite_clients (here 127.0.0.1, by the default
 * permit_inet_interfaces).
 */
const scenario: Scenario = {
  id: 'cleanup/canonical-classes',
  title: 'canonical maps by class, and masquerading with exceptions',
  description: 'Two messages reach the relayhost: the envelope and the From:/To: headers show which of the three canonical table lists and the masquerading applied to each class of address.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      sender_canonical_maps: 'texthash:$config_directory/sender_canonical',
      recipient_canonical_maps: 'texthash:$config_directory/recipient_canonical',
      canonical_maps: 'texthash:$config_directory/canonical',
      sender_canonical_classes: 'envelope_sender',
      recipient_canonical_classes: 'header_recipient',
      canonical_classes: 'envelope_recipient, header_sender',
      masquerade_domains: 'corp.example',
      masquerade_exceptions: 'root',
      masquerade_classes: 'envelope_sender, header_recipient',
    },
    maps: [
      { name: 'sender_canonical', content: 'alice@client.example alice.smith@corp.example\n' },
      { name: 'recipient_canonical', content: 'bob@far.example robert@far.example\n' },
      { name: 'canonical', content: '@old.example @new.example\n' },
    ],
  },
  steps: [
    oneMessage({
      to: ['bob@far.example', 'carol@old.example'],
      data: 'From: alice@client.example, x@old.example\r\nTo: bob@far.example, dave@old.example,\r\n erin@mail.corp.example, root@mail.corp.example\r\nSubject: classes\r\n\r\nmapped\r\n',
    }),
    // One message at a time, so that no connection is cached between them.
    ...awaitRelayed(),
    oneMessage({
      from: 'frank@mail.corp.example',
      to: 'gina@mail.corp.example',
      data: 'From: frank@mail.corp.example\r\nTo: gina@mail.corp.example\r\nSubject: masquerade\r\n\r\nmasqueraded\r\n',
    }),
    ...awaitRelayed(2),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote', from: 'alice.smith@corp.example', to: ['bob@far.example', 'carol@new.example'],
        headers: {
          From: 'alice@client.example, x@new.example',
          To: /^robert@far\.example, dave@old\.example,\s+erin@corp\.example,\s+root@mail\.corp\.example$/,
        },
      },
      {
        sink: 'remote', from: 'frank@corp.example', to: ['gina@mail.corp.example'],
        headers: { From: 'frank@mail.corp.example', To: 'gina@corp.example' },
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
