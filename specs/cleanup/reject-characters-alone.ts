import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * message_reject_characters on its own (postconf(5)): no header or body checks and nothing to
 * strip, yet cleanup(8) still looks at every line of mail from outside, and a line holding one
 * of the listed characters refuses the whole message with "5.7.1 disallowed character" (the
 * reply to the end of data), logged as a "reject: content" line. A message without one goes
 * through.
 */
const scenario: Scenario = {
  id: 'cleanup/reject-characters-alone',
  title: 'message_reject_characters without any other content check',
  description: 'A body line with "~" is refused at the end of data (550 5.7.1 disallowed character); the next message, without it, is delivered.',
  config: { main: { message_reject_characters: '~' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        { data: 'Subject: tilde\r\n\r\nhome is ~alice\r\n', expect: '550 5.7.1 disallowed character' },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: plain\r\n\r\nhome is /home/alice\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'plain' } }],
    events: [{ kind: 'other', text: /^reject: content home is ~alice from localhost\[127\.0\.0\.1\]; from=<alice@client\.example> to=<nobody@mx\.twinpost\.test> proto=ESMTP helo=<client\.example>: 5\.7\.1 disallowed character$/ }],
    queue: 'empty',
  },
};
export default scenario;
