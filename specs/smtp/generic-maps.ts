import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * smtp_generic_maps (postconf(5), generic(5)): smtp(8) rewrites addresses on the way out —
 * the envelope sender in MAIL FROM, each recipient in RCPT TO, and the addresses of the
 * primary header block's sender and recipient headers — while the queue file and the
 * maillog keep the original ones. Lookups go as mail_addr_find() tries them: the full
 * address, then without its extension after recipient_delimiter ("carol+news" finds "carol@…"; the extension is not
 * put back, as propagate_unmatched_extensions does not name "generic"), then "@domain",
 * whose "@other" answer keeps the local part. A header with a changed address is rebuilt
 * (", " between addresses); the others and the body are sent as they are.
 */

const MESSAGE = [
  'From: Alice <alice@mx.twinpost.test>',
  'To: bob@remote.example, carol+news@remote.example',
  'Cc: someone@old.example',
  'Subject: generic mapping',
  '',
  'Written by alice@mx.twinpost.test.',
  '',
].join('\r\n');

const scenario: Scenario = {
  id: 'smtp/generic-maps',
  title: 'smtp_generic_maps rewrites MAIL FROM, RCPT TO and the address headers on output; the log keeps the original recipients',
  description: 'A message from alice@mx.twinpost.test to bob and carol+news at remote.example, with a Cc: at old.example: the peer sees the sender as alice.smith@isp.example, carol as carol@elsewhere.example and someone@new.example in Cc:; the delivery lines name the addresses as queued.',
  sinks: { remote: {} },
  config: relayToRemote(
    { smtp_generic_maps: 'texthash:$config_directory/generic', recipient_delimiter: '+' },
    [{ name: 'generic', content: 'alice@mx.twinpost.test alice.smith@isp.example\ncarol@remote.example carol@elsewhere.example\n@old.example @new.example\n' }],
  ),
  steps: [
    oneMessage({ from: 'alice@mx.twinpost.test', to: ['bob@remote.example', 'carol+news@remote.example'], data: MESSAGE }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote',
        from: 'alice.smith@isp.example',
        to: ['bob@remote.example', 'carol@elsewhere.example'],
        headers: {
          From: 'Alice <alice.smith@isp.example>',
          To: 'bob@remote.example, carol@elsewhere.example',
          Cc: 'someone@new.example',
          Subject: 'generic mapping',
        },
        bodyIncludes: ['Written by alice@mx.twinpost.test.'],
      },
    ],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'sent' },
      { kind: 'delivery', queueId: 'Q1', to: 'carol+news@remote.example', status: 'sent' },
    ],
    queue: 'empty',
  },
};
export default scenario;
