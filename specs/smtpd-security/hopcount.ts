import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

const received = (n: number) =>
  Array.from({ length: n }, (_, i) => `Received: from hop${i}.example by hop${i + 1}.example; Mon, 1 Jan 2024 00:00:00 +0000`);

/**
 * hopcount_limit (postconf(5), default 50; cleanup_message.c): cleanup counts the Received:
 * headers of the primary header block, smtpd's own included. When the count reaches the limit
 * the message is looping (RFC 5321 section 6.3): cleanup logs "warning: QID: message rejected:
 * hopcount exceeded" for that and every further Received:, adds no header, and smtpd answers
 * "554 5.4.0 Error: too many hops"; nothing is queued. smtpd's cleanup cannot bounce, so it
 * stops looking at the content there: a Message-Id: after the last Received: is not logged.
 * One Received: fewer is accepted and delivered with all its Received: headers.
 */
const scenario: Scenario = {
  id: 'smtpd-security/hopcount',
  title: 'the 50th Received: header makes the message loop: 554 5.4.0 Error: too many hops',
  description: '49 foreign Received: headers plus smtpd\'s own reach hopcount_limit = 50 and DATA is refused with 554 5.4.0; 48 plus its own are accepted.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        {
          data: [...received(49), 'Message-Id: <loop@client.example>', 'Subject: looping', '', 'body', ''].join('\r\n'),
          expect: { code: 554, text: '5.4.0 Error: too many hops' },
        },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        {
          data: [...received(48), 'Message-Id: <fine@client.example>', 'Subject: not looping', '', 'body', ''].join('\r\n'),
          expect: { code: 250, text: /^2\.0\.0 Ok: queued as / },
        },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'not looping', 'Message-Id': '<fine@client.example>' } }],
    noEvents: [{ kind: 'message-id', messageId: '<loop@client.example>' }],
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 1 },
    ],
    queue: 'empty',
  },
};
export default scenario;
