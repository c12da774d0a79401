import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed } from '../_shared/builders.ts';

/**
 * Four cleanup(8) settings (postconf(5)): message_strip_characters removes the listed
 * characters from every line of mail from outside (headers and body; the value takes C-like
 * escapes: \136 is "^"); a line holding one of message_reject_characters refuses the whole
 * message with "5.7.1 disallowed character", logged as a "reject: content" line;
 * undisclosed_recipients_header is added when a message from a local header-rewrite client has
 * no To: or Cc: header (a Bcc: does not count); duplicate_filter_limit bounds how many
 * recipients cleanup remembers to drop duplicates: with 1, only the first recipient is
 * remembered, so a later recipient given twice is kept twice.
 */
const scenario: Scenario = {
  id: 'cleanup/characters-and-recipients',
  title: 'message_strip_characters, message_reject_characters, undisclosed_recipients_header, duplicate_filter_limit',
  description: 'A message with a refused character is rejected at the end of data; the next one loses its stripped characters, gets the To: header for undisclosed recipients, and reaches the peer with a duplicate recipient kept.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      message_reject_characters: '~',
      message_strip_characters: '\\136',
      undisclosed_recipients_header: 'To: undisclosed-recipients:;',
      duplicate_filter_limit: '1',
    },
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<bob@far.example>', expect: 250 },
        { data: 'Subject: tilde\r\n\r\nhome is ~alice\r\n', expect: '550 5.7.1 disallowed character' },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<bob@far.example>', expect: 250 },
        { command: 'RCPT TO:<carol@far.example>', expect: 250 },
        { command: 'RCPT TO:<carol@far.example>', expect: 250 },
        { command: 'RCPT TO:<bob@far.example>', expect: 250 },
        { data: 'Subject: a^b\r\nBcc: dave@far.example\r\n\r\nx^y\tz\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote', from: 'alice@client.example', to: ['bob@far.example', 'carol@far.example', 'carol@far.example'],
        headers: { Subject: 'ab', To: 'undisclosed-recipients:;' }, noHeaders: ['Bcc'], bodyIncludes: ['xy\tz\r\n'],
      },
    ],
    events: [{ kind: 'other', text: /^reject: content home is ~alice from localhost\[127\.0\.0\.1\]; from=<alice@client\.example> to=<bob@far\.example> proto=ESMTP helo=<client\.example>: 5\.7\.1 disallowed character$/ }],
    queue: 'empty',
  },
};
export default scenario;
