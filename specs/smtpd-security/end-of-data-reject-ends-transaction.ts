import type { Scenario } from '../../harness/scenario/types.ts';
import { RCPT_ACCEPTED } from '../_shared/builders.ts';

/**
 * A message refused by smtpd_end_of_data_restrictions ends its transaction: RCPT and DATA that
 * follow need a new MAIL (RFC 5321 section 4.1.4: after the end of data the transaction is
 * over), so no second message can be slipped in under the first one's envelope.
 *
 * Reference only, on purpose: Postfix 3.7.11, the Postfix this suite compares with, has the
 * defect its 3.7.22 HISTORY describes ("missing SMTP server resets of MAIL FROM and RCPT TO
 * command state after smtpd_end_of_data_restrictions rejected a message"): there, RCPT and
 * DATA without MAIL deliver a second message that skips the recipient checks of
 * smtpd_end_of_data_restrictions, and DATA right after the rejection crashes smtpd (signal
 * 11, seen here with the same dialog). The reference follows the fixed Postfix; the part that
 * both do alike (the refusal, then RSET and a new message) is smtpd/end-of-data-restrictions,
 * compared with 3.7.11.
 */
const scenario: Scenario = {
  id: 'smtpd-security/end-of-data-reject-ends-transaction',
  title: 'an end-of-data rejection ends the transaction (Postfix 3.7.22 behaviour)',
  description: 'After the 554 at the final dot, RCPT gets "need MAIL", DATA gets "need RCPT", and only a new MAIL starts a message; the refused message is never delivered.',
  targets: ['reference'],
  config: {
    main: { smtpd_end_of_data_restrictions: 'check_sender_access regexp:$config_directory/eod_senders' },
    maps: [{ name: 'eod_senders', content: '/^spammer@/ REJECT not after reading that\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<spammer@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: RCPT_ACCEPTED },
        { data: 'Subject: buy now\r\n\r\nHi.\r\n', expect: { code: 554, text: '5.7.1 <spammer@client.example>: Sender address rejected: not after reading that' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 503, text: '5.5.1 Error: need MAIL command' } },
        { command: 'DATA', expect: { code: 503, text: '5.5.1 Error: need RCPT command' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: RCPT_ACCEPTED },
        { data: 'Subject: hello\r\n\r\nHi.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    events: [{ kind: 'reject', stage: 'END-OF-MESSAGE', code: 554, dsn: '5.7.1' }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'hello' } }],
    queue: 'empty',
  },
};
export default scenario;
