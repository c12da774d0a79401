import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * sendmail -bv: the message is queued with trace_flags=512 (DEL_REQ_FLAG_USR_VRFY); qmgr hands
 * its recipients to the agents in verify-only mode. local(8) expands and reports ("delivers
 * to mailbox", unknown user) without writing a mailbox; smtp(8) sends MAIL and RCPT, then RSET
 * and QUIT — no DATA — and reports the RCPT reply. Each is logged status=deliverable or
 * undeliverable, and bounce(8)'s trace service mails the sender one "Mail Delivery Status
 * Report" (RFC 3464, Action: deliverable/undeliverable, the message headers only).
 * sendmail(1) -bv, bounce(8), postfix-internals.md §9.1.
 */
const scenario: Scenario = {
  id: 'trace/sendmail-bv',
  title: 'sendmail -bv verifies the recipients and mails a delivery status report instead of the message',
  description: 'A -bv submission to a local user, a remote user, an unknown local user and an error(8) domain: no mailbox or peer gets the message, the peer sees RCPT but no DATA, and the sender gets the delivery status report with each recipient\'s verdict.',
  sinks: { remote: {} },
  config: {
    main: { transport_maps: 'texthash:$config_directory/transport' },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\nerror.example error:5.1.2 no such domain here\n' }],
  },
  steps: [
    {
      kind: 'sendmail',
      args: ['-bv', '-f', 'nobody@mx.twinpost.test', 'nobody@mx.twinpost.test', 'bob@remote.example', 'nosuchuser@mx.twinpost.test', 'carol@error.example'],
      message: 'Subject: probe\n\nnot to be delivered\n',
    },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    // the peer saw MAIL and RCPT, but accepted no message (no DATA)
    sinkMessages: { remote: 0 },
    // nobody's mailbox holds only the report, not the probe
    mailboxes: [{
      user: 'nobody', messages: 1,
      headers: { From: 'Mail Delivery System <MAILER-DAEMON@mx.twinpost.test>', Subject: 'Mail Delivery Status Report', 'Return-Path': '<>', 'Auto-Submitted': 'auto-replied' },
      bodyIncludes: [
        'Enclosed is the mail delivery report that you requested.',
        '<nobody@mx.twinpost.test>: delivery via local: delivers to mailbox',
        '<nosuchuser@mx.twinpost.test>: delivery via local: unknown user: "nosuchuser"',
        // no "delivery via" for an agent without a relay (error(8): relay=none)
        '<carol@error.example>: no such domain here',
        'Final-Recipient: rfc822; bob@remote.example\nOriginal-Recipient: rfc822;bob@remote.example\nAction: deliverable\nStatus: 2.1.5\nRemote-MTA: dns; 127.0.0.1\nDiagnostic-Code: smtp; 250 2.1.5 Ok',
        'Final-Recipient: rfc822; nosuchuser@mx.twinpost.test\nOriginal-Recipient: rfc822;nosuchuser@mx.twinpost.test\nAction: undeliverable\nStatus: 5.1.1',
        'Content-Description: Message Headers\nContent-Type: text/rfc822-headers',
        'Subject: probe',
      ],
    }],
    events: [
      { kind: 'queue-active', queueId: 'Q1', from: 'nobody@mx.twinpost.test', nrcpt: 4 },
      { kind: 'delivery', queueId: 'Q1', to: 'nobody@mx.twinpost.test', relay: 'local', dsn: '2.0.0', status: 'deliverable', text: 'delivers to mailbox' },
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', relay: /^127\.0\.0\.1\[127\.0\.0\.1\]:/, dsn: '2.1.5', status: 'deliverable', text: '250 2.1.5 Ok' },
      { kind: 'delivery', queueId: 'Q1', to: 'nosuchuser@mx.twinpost.test', relay: 'local', dsn: '5.1.1', status: 'undeliverable', text: 'unknown user: "nosuchuser"' },
      { kind: 'delivery', queueId: 'Q1', to: 'carol@error.example', relay: 'none', dsn: '5.1.2', status: 'undeliverable', text: 'no such domain here' },
      { kind: 'notification', service: 'bounce', queueId: 'Q1', what: /delivery status/, notificationId: 'Q2' },
      { kind: 'queue-active', from: '', nrcpt: 1 },
      { kind: 'removed', count: 2 },
    ],
    noEvents: [
      { kind: 'delivery', queueId: 'Q1', status: 'sent' },
      { kind: 'delivery', queueId: 'Q1', status: 'bounced' },
    ],
    queue: 'empty',
  },
};
export default scenario;
