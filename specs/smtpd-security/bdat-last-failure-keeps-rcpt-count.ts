import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * A failed BDAT LAST ends the transaction but not its recipient count: smtpd.c skip_bdat()
 * calls mail_reset() without rcpt_reset(), so the next transaction of the session counts its
 * recipients on top of the dropped one's. With smtpd_recipient_limit = 2 the next transaction's
 * second RCPT is refused "452 4.5.3 Error: too many recipients", and its one accepted recipient
 * is not named in smtpd's Received: header ("for <...>" needs a count of exactly one). A
 * transaction that ends normally (common_post_message_handling()) resets the count: the third
 * message's Received: header names its recipient again.
 */
const scenario: Scenario = {
  id: 'smtpd-security/bdat-last-failure-keeps-rcpt-count',
  title: 'a failed BDAT LAST keeps the recipient count for the next transaction',
  description: 'skip_bdat() on BDAT LAST resets the mail transaction but not rcpt_count: smtpd_recipient_limit and the Received: "for" clause of the next transaction see the old count.',
  config: { main: { smtpd_recipient_limit: '2' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        // A null chunk fails the transaction; its BDAT LAST is discarded and ends it.
        { send: 'BDAT 0\r\nBDAT 0 LAST\r\n', expect: { code: 551, text: '5.7.1 Null BDAT request' } },
        { reply: { code: 551, text: '5.0.0 Discarded 0 bytes after earlier error' } },
        { command: 'MAIL FROM:<carol@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { command: 'RCPT TO:<root@mx.twinpost.test>', expect: { code: 452, text: '4.5.3 Error: too many recipients' } },
        { data: 'Subject: second\r\n\r\nafter the failed BDAT LAST\r\n', expect: 250 },
        { command: 'MAIL FROM:<dave@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: third\r\n\r\nafter a normal end\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', status: 'sent' }, count: 2 },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 2 }],
    noEvents: [{ kind: 'delivery', to: 'root@mx.twinpost.test' }],
    mailboxes: [{ user: 'nobody', messages: 2 }],
    queue: 'empty',
  },
};
export default scenario;
