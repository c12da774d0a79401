import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitDisconnectAndDelivery, dataThenQuit, envelope, RCPT_ACCEPTED } from '../_shared/builders.ts';

/**
 * smtpd_delay_open_until_valid_rcpt = no (postconf(5); smtpd.c mail_cmd()): smtpd opens the
 * queue file (asks cleanup for it) at MAIL FROM instead of at the first accepted RCPT TO. So
 * "QID: client=" is logged right after MAIL, a refused recipient's "reject:" line carries that
 * queue ID instead of NOQUEUE, and a transaction without any accepted recipient still used a
 * queue ID (its file is removed at RSET). With the default (yes) none of this happens.
 */
const scenario: Scenario = {
  id: 'smtpd/delay-open-until-valid-rcpt',
  title: 'smtpd_delay_open_until_valid_rcpt = no: the queue file is opened at MAIL FROM',
  description: 'A transaction whose only recipient is refused gets a queue ID (client= and the reject line carry it) and is dropped at RSET; the next transaction is delivered under a new queue ID.',
  config: { main: { smtpd_delay_open_until_valid_rcpt: 'no' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'ghost@mx.twinpost.test', rcptReply: '550 5.1.1' }),
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: RCPT_ACCEPTED },
        ...dataThenQuit('Subject: opened early\r\n\r\nHi.\r\n'),
      ],
    },
    ...awaitDisconnectAndDelivery('nobody@mx.twinpost.test'),
  ],
  expect: {
    events: [
      { kind: 'client', queueId: /^Q\d+$/, count: 2 },
      { kind: 'reject', stage: 'RCPT', code: 550, to: 'ghost@mx.twinpost.test', queueId: /^Q\d+$/ },
    ],
    noEvents: [{ kind: 'reject', queueId: 'NOQUEUE' }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'opened early' } }],
    queue: 'empty',
  },
};
export default scenario;
