import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * strict_8bitmime = yes (postconf(5); cleanup_message.c): both strict_7bit_headers and
 * strict_8bitmime_body at once. Here the 8-bit byte is in a part of a multipart message whose
 * part headers say nothing of its encoding, so the part is 7bit and the message is refused
 * (550 5.6.0) — a part declared 8bit in the same message would have been fine.
 */
const scenario: Scenario = {
  id: 'cleanup/strict-8bitmime',
  title: 'strict_8bitmime = yes: 8-bit text in a 7bit MIME part is refused',
  description: 'A multipart message: an 8bit part with 8-bit text passes, the 7bit part after it with 8-bit text refuses the message.',
  sinks: { remote: {} },
  config: { main: { relayhost: '{{sink:remote}}', strict_8bitmime: 'yes' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> BODY=8BITMIME', expect: 250 },
        { command: 'RCPT TO:<bob@far.example>', expect: 250 },
        {
          data: [
            'Subject: parts', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=zz', '',
            '--zz', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'déjà vu',
            '--zz', 'Content-Type: text/plain; charset=utf-8', '', 'encore déjà vu', '--zz--', '',
          ].join('\r\n'),
          expect: '550 5.6.0 improper use of 8-bit data in message body',
        },
        { command: 'QUIT', expect: 221 },
      ],
    },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [{ kind: 'other', service: 'cleanup', text: /^reject: mime-error improper use of 8-bit data in message body: encore d.*j.* vu from / }],
    queue: 'empty',
  },
};
export default scenario;
