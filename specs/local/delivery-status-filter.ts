import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage, withAliases } from '../_shared/builders.ts';

/**
 * local(8)'s delivery status filter (postconf(5) local_delivery_status_filter; dsn_filter(3)).
 * Before a delivery status is logged and recorded, the text "D.D.D reason" is looked up in the
 * filter table and a match replaces the status and reason. A success may only become another
 * success and a failure another failure: 5.x.x to 4.x.x turns a bounce into a deferral (the
 * message stays queued), and a result of the wrong class is refused with a warning naming the
 * table ("bad status code") and the original status is kept.
 */
const scenario: Scenario = {
  id: 'local/delivery-status-filter',
  title: 'local_delivery_status_filter: reworded success and bounce, a bounce made a deferral, a refused class change',
  description: 'Four recipients of one null-sender message: the mailbox delivery and an unknown user get new texts, a second unknown user is deferred instead of bounced, and a file delivery whose filter result is a failure keeps its own status.',
  config: withAliases('tofile: {{dropDir}}/filebox\n', {
    main: {
      // unknown users are accepted by smtpd and found unknown by local(8)
      local_recipient_maps: '',
      local_delivery_status_filter: 'regexp:$config_directory/status_filter',
    },
    maps: [
      {
        name: 'status_filter',
        content: [
          '/^2\\.0\\.0 delivered to mailbox$/ 2.0.0 filed in the spool',
          '/^5\\.1\\.1 unknown user: "later"$/ 4.1.1 not known yet',
          '/^5\\.1\\.1 unknown user: "(.*)"$/ 5.1.1 no such person: $1',
          '/^2\\.0\\.0 delivered to file: / 5.0.0 wrong class',
          '',
        ].join('\n'),
      },
    ],
  }),
  steps: [
    ...localMessage({
      from: '',
      to: ['nobody@mx.twinpost.test', 'ghost@mx.twinpost.test', 'later@mx.twinpost.test', 'tofile@mx.twinpost.test'],
      subject: 'status filter',
    }),
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
  ],
  expect: {
    mailboxes: [
      { user: 'nobody', messages: 1, headers: { Subject: 'status filter' } },
      { user: 'drop/filebox', messages: 1, headers: { Subject: 'status filter' } },
    ],
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', dsn: '2.0.0', text: 'filed in the spool' },
      { kind: 'delivery', to: 'ghost@mx.twinpost.test', status: 'bounced', dsn: '5.1.1', text: 'no such person: ghost' },
      { kind: 'delivery', to: 'later@mx.twinpost.test', status: 'deferred', dsn: '4.1.1', text: 'not known yet' },
      { kind: 'warning', service: 'local', text: 'local_delivery_status_filter: bad status code: 5.0.0 wrong class' },
      { kind: 'delivery', to: 'tofile@mx.twinpost.test', status: 'sent', dsn: '2.0.0', text: /^delivered to file: / },
    ],
    queue: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'later@mx.twinpost.test', delay_reason: 'not known yet' }] }] },
  },
};
export default scenario;
