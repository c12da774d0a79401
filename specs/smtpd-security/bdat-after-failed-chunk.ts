import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * A BDAT chunk that is not the last and fails inside (smtpd.c bdat_cmd(): the content passed
 * message_size_limit) ends the transaction with its error reply, and smtpd then reads and
 * drops every further chunk of it ("551 5.0.0 Discarded <n> bytes after earlier error") until
 * BDAT LAST; after that a new transaction is accepted as usual. Nothing of the failed
 * transaction is queued. RFC 3030 section 3, smtpd(8).
 */
const scenario: Scenario = {
  id: 'smtpd-security/bdat-after-failed-chunk',
  title: 'chunks after a failed non-final BDAT chunk are discarded until BDAT LAST',
  description: 'A chunk over message_size_limit gets 552 5.3.4; the next two chunks (the last one with LAST) get 551 5.0.0 Discarded; a following transaction is queued and delivered.',
  config: { main: { message_size_limit: '3500' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        { send: `BDAT 3006\r\nhello\n${'x'.repeat(3000)}`, expect: { code: 250, text: '2.0.0 Ok: 3006 bytes' } },
        { send: `BDAT 1200\r\n${'x'.repeat(1199)}\n`, expect: { code: 552, text: '5.3.4 Error: message file too big' } },
        { send: 'BDAT 7\r\nmore\r\n\n', expect: { code: 551, text: '5.0.0 Discarded 7 bytes after earlier error' } },
        { send: 'BDAT 6 LAST\r\nend\r\n\n', expect: { code: 551, text: '5.0.0 Discarded 6 bytes after earlier error' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { send: 'BDAT 22 LAST\r\nSubject: again\r\n\r\nok\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: 22 bytes queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', status: 'sent' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 1 }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'again' } }],
    queue: { count: 0 },
  },
};
export default scenario;
