import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * How much of the original a non-delivery notice returns (bounce(8), bounce_original();
 * RFC 3461 RET; postconf(5) bounce_size_limit). By default the whole message ("Undelivered
 * Message", message/rfc822); with MAIL FROM's RET=HDRS only its headers ("Undelivered Message
 * Headers", text/rfc822-headers); and a message larger than bounce_size_limit also returns only
 * its headers, so that a cut copy cannot break the notice's MIME structure. Written for the
 * mutation campaign: no scenario varied what a bounce returns. The first message also has
 * MAIL FROM's ENVID= (RFC 3461 section 4.4): the delivery report then starts with
 * "Original-Envelope-Id:" and the xtext-decoded value (bounce_notify_util.c; the reference
 * lacked it, found by the differential smtpd fuzzer).
 */
const BIG = `${'x'.repeat(70)}\r\n`.repeat(20);

const message = (from: string, subject: string, body: string) => `Subject: ${subject}\r\nFrom: ${from}@mx.twinpost.test\r\n\r\n${body}`;

/** One message from a local user (each gets its notice in its own mailbox) to an unknown user. */
const send = (from: string, ret: string, subject: string, body: string) => ({
  kind: 'smtp' as const,
  name: subject,
  dialog: [
    { command: 'EHLO client.example', expect: 250 },
    { command: `MAIL FROM:<${from}@mx.twinpost.test>${ret}`, expect: 250 },
    { command: 'RCPT TO:<nosuch@mx.twinpost.test>', expect: 250 },
    { data: message(from, subject, body), expect: 250 },
    { command: 'QUIT', expect: 221 },
  ],
});

const scenario: Scenario = {
  id: 'bounce/returned-content',
  title: 'a bounce returns the whole message, or its headers for RET=HDRS and past bounce_size_limit',
  description: 'Three messages to an unknown local user (local_recipient_maps empty, so local(8) bounces): full return (with ENVID=, shown as Original-Envelope-Id:), RET=HDRS, and a message over bounce_size_limit = 1000.',
  config: { main: { local_recipient_maps: '', bounce_size_limit: '1000' } },
  steps: [
    send('nobody', ' ENVID=full+2Bid', 'full', 'the whole body comes back\r\n'),
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
    send('daemon', ' RET=HDRS', 'headers', 'this body stays here\r\n'),
    { kind: 'wait', event: { kind: 'removed' }, count: 4 },
    send('bin', ' RET=FULL', 'big', BIG),
    { kind: 'wait', event: { kind: 'removed' }, count: 6 },
  ],
  expect: {
    events: [
      { kind: 'notification', what: 'sender non-delivery notification', count: 3 },
      { kind: 'delivery', to: 'nosuch@mx.twinpost.test', status: 'bounced', dsn: '5.1.1', count: 3 },
    ],
    mailboxes: [
      {
        user: 'nobody', messages: 1,
        bodyIncludes: [
          'Reporting-MTA: dns; mx.twinpost.test\nOriginal-Envelope-Id: full+id\nX-Postfix-Queue-ID: ',
          'Content-Description: Undelivered Message\nContent-Type: message/rfc822\n', 'Subject: full\nFrom: nobody@mx.twinpost.test\n', '\nthe whole body comes back\n',
        ],
      },
      {
        user: 'daemon', messages: 1,
        bodyIncludes: ['Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n', 'Subject: headers\nFrom: daemon@mx.twinpost.test\n', '(UTC)\n\n--'],
      },
      {
        user: 'bin', messages: 1,
        bodyIncludes: ['Content-Description: Undelivered Message Headers\nContent-Type: text/rfc822-headers\n', 'Subject: big\nFrom: bin@mx.twinpost.test\n', '(UTC)\n\n--'],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
