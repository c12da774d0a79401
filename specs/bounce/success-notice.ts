import type { Scenario, Step } from '../../harness/scenario/types.ts';

/**
 * DSN success notices (RFC 3461 section 4.1 NOTIFY=SUCCESS; sent.c, trace.c, smtp_rcpt.c,
 * bounce_trace_service.c; qmgr(8) asks bounce(8) for the report once every recipient has been
 * tried). A recipient with NOTIFY=SUCCESS that local(8) delivers ("delivered") or that smtp(8)
 * hands to a next hop without DSN ("relayed") goes into the trace log, and the sender gets a
 * "Successful Mail Delivery Report" with the message's headers. When the next hop offers DSN,
 * smtp(8) passes NOTIFY=SUCCESS on and leaves the notice to it: no report here. The report's
 * delivery-status part carries "Original-Envelope-Id:" when MAIL FROM had ENVID=
 * (xtext-decoded). Mail from <> gets no report: bounce(8) logs that it is not sending one for
 * a "single-bounce message" (2bounce is not in notify_classes). Found by the differential
 * smtpd fuzzer (harness/fuzz/found/): the reference sent no success notice.
 */
const DSN_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SMTPUTF8', 'DSN'];

const transaction = (from: string, mailParams: string, to: string, subject: string) => [
  { command: `MAIL FROM:<${from}@mx.twinpost.test>${mailParams}`, expect: 250 },
  { command: `RCPT TO:<${to}> NOTIFY=SUCCESS,FAILURE`, expect: 250 },
  { data: `Subject: ${subject}\r\nFrom: ${from}@mx.twinpost.test\r\n\r\nplease tell me when it arrives\r\n`, expect: 250 },
];

/** One SMTP session with one transaction. */
const session = (from: string, mailParams: string, to: string, subject: string): Step => ({
  kind: 'smtp',
  name: subject,
  dialog: [{ command: 'EHLO client.example', expect: 250 }, ...transaction(from, mailParams, to, subject), { command: 'QUIT', expect: 221 }],
});

const scenario: Scenario = {
  id: 'bounce/success-notice',
  title: 'NOTIFY=SUCCESS: a success report for local delivery and for relaying to a peer without DSN; none when the peer offers DSN',
  description: 'nobody mails daemon (local delivery, ENVID=local+2Bone), bin mails a peer without DSN and one with DSN, all with NOTIFY=SUCCESS,FAILURE; nobody and bin each get one "Successful Mail Delivery Report"; mail from <> to daemon with NOTIFY=SUCCESS gets none.',
  sinks: { plain: {}, dsn: { extensions: DSN_PEER } },
  config: {
    main: { transport_maps: 'texthash:$config_directory/transport', smtp_connection_cache_on_demand: 'no' },
    maps: [{ name: 'transport', content: 'plain.example smtp:{{sink:plain}}\ndsn.example smtp:{{sink:dsn}}\n' }],
  },
  // One session per message, each waited for: the queue IDs (Q1, Q2, …) are numbered in the
  // order they first appear in the log, so overlapping messages would number them by timing.
  steps: [
    session('nobody', ' ENVID=local+2Bone', 'daemon@mx.twinpost.test', 'to a mailbox'),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    session('bin', '', 'bob@plain.example', 'to a peer without DSN'),
    { kind: 'wait', event: { kind: 'delivery', to: 'bin@mx.twinpost.test', status: 'sent' } },
    session('bin', ' ENVID=relay1', 'carol@dsn.example', 'to a peer with DSN'),
    { kind: 'wait-sink', sink: 'dsn', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 5 },
    {
      kind: 'smtp',
      name: 'from the null sender',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<>', expect: 250 },
        { command: 'RCPT TO:<daemon@mx.twinpost.test> NOTIFY=SUCCESS', expect: 250 },
        { data: 'Subject: from the null sender\r\n\r\nno one to tell\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' }, count: 6 },
  ],
  expect: {
    events: [
      { kind: 'notification', what: 'sender delivery status notification', count: 2 },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', status: 'sent', count: 2 },
      { kind: 'other', service: 'bounce', text: 'not sending trace/success notification for single-bounce message', count: 1 },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 1 },
      { kind: 'delivery', to: 'bin@mx.twinpost.test', status: 'sent', count: 1 },
    ],
    deliveries: [
      { sink: 'plain', from: 'bin@mx.twinpost.test', to: ['bob@plain.example'], headers: { Subject: 'to a peer without DSN' } },
      { sink: 'dsn', from: 'bin@mx.twinpost.test', to: ['carol@dsn.example'], mailParams: [/^SIZE=\d+$/, 'ENVID=relay1'], headers: { Subject: 'to a peer with DSN' } },
    ],
    mailboxes: [
      { user: 'daemon', messages: 2 },
      {
        user: 'nobody', messages: 1,
        headers: { Subject: 'Successful Mail Delivery Report', From: 'Mail Delivery System <MAILER-DAEMON@mx.twinpost.test>' },
        bodyIncludes: [
          'Your message was successfully delivered to the destination(s)\nlisted below.',
          '<daemon@mx.twinpost.test>: delivery via local: delivered to mailbox\n',
          'Reporting-MTA: dns; mx.twinpost.test\nOriginal-Envelope-Id: local+one\nX-Postfix-Queue-ID: ',
          'Action: delivered\nStatus: 2.0.0\nDiagnostic-Code: X-Postfix; delivery via local: delivered to mailbox\n',
          'Content-Description: Message Headers\nContent-Type: text/rfc822-headers\n',
          'Subject: to a mailbox\n',
        ],
      },
      {
        user: 'bin', messages: 1,
        headers: { Subject: 'Successful Mail Delivery Report' },
        bodyIncludes: ['Final-Recipient: rfc822; bob@plain.example\n', 'Action: relayed\nStatus: 2.0.0\n', 'Subject: to a peer without DSN\n'],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
