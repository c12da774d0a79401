import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, RCPT_ACCEPTED } from '../_shared/builders.ts';

/**
 * enable_long_queue_ids (postconf(5); mail_queue.h MAIL_QUEUE_ID long form): queue IDs are no
 * longer hex digits of the microseconds and inode number but seconds and microseconds in a
 * 52-letter alphabet without vowels, a "z", then the inode number in the same alphabet less the
 * "z" (at least 10 characters before the "z"). The new form shows in smtpd's "queued as" reply,
 * in every log line and in the Received: header's "id"; mail flows as before.
 */
/** The long form: the time part's alphabet has the "z", the inode part's has not. */
const TIME = '[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-z]{10,}';
const INODE = '[0-9B-DF-HJ-NP-TV-Zb-df-hj-np-tv-y]+';
const LONG_ID = new RegExp(`^2\\.0\\.0 Ok: queued as ${TIME}z${INODE}$`);

const scenario: Scenario = {
  id: 'cleanup/long-queue-ids',
  title: 'enable_long_queue_ids = yes: queue IDs in the long form',
  description: 'A message through smtpd is answered "queued as" a long queue ID, is delivered to nobody, and its Received: header carries that ID.',
  config: { main: { enable_long_queue_ids: 'yes' } },
  steps: [
    oneMessage({ to: 'nobody@mx.twinpost.test', rcptReply: RCPT_ACCEPTED, data: 'Subject: long id\r\n\r\nHi.\r\n', dataReply: { code: 250, text: LONG_ID } }),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    events: [{ kind: 'client', queueId: 'Q1' }, { kind: 'removed', queueId: 'Q1' }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'long id', Received: new RegExp(`with ESMTP id ${TIME}z${INODE}\\s+for <nobody@mx\\.twinpost\\.test>`) } }],
    queue: 'empty',
  },
};
export default scenario;
