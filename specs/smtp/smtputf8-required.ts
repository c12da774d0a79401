import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * When a message needs SMTPUTF8 (RFC 6531), smtp(8) will not send it to a next hop that does not
 * offer it. A delivery "requires SMTPUTF8" when the SMTPUTF8 support was requested AND the
 * message holds non-ASCII: a header (also a MIME part's header, cleanup_out_header()), the
 * envelope sender (valid UTF-8), or a recipient of the delivery (qmgr adds that one). Such a
 * delivery to a peer without SMTPUTF8 fails at once: "SMTPUTF8 is required, but was not offered
 * by host …" (5.6.7, smtp_proto.c), and the sender gets the bounce. A peer that offers SMTPUTF8
 * gets "MAIL FROM:<…> SMTPUTF8".
 *
 * Who requests it: an SMTP client with MAIL FROM's SMTPUTF8 parameter; otherwise cleanup
 * requests it itself for the message classes in smtputf8_autodetect_classes (default
 * "sendmail, verify") when it sees non-ASCII in a header, the sender or a recipient. So the
 * same UTF-8 Subject: from smtpd without the parameter goes to a plain peer as it is, while from
 * sendmail(1) it bounces there; the same sendmail message to a SMTPUTF8 peer goes with SMTPUTF8.
 */
const UTF8_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SMTPUTF8'];
const PLAIN_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES'];
const SENDER = 'nobody@mx.twinpost.test';
const UTF8_SUBJECT = 'Subject: grüße\r\n';
const MIME_UTF8_PART = [
  'Subject: ascii only', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '',
  '--b', 'Content-Type: text/plain; name="grüße.txt"', '', 'part', '--b--', '',
].join('\n');

const scenario: Scenario = {
  id: 'smtp/smtputf8-required',
  title: 'mail that needs SMTPUTF8 bounces at a peer without it; smtputf8_autodetect_classes decides who needs it',
  description: 'SMTPUTF8 requested by the client, or detected by cleanup for sendmail(1) mail, with a UTF-8 header (also in a MIME part): bounced 5.6.7 at a plain peer, relayed with SMTPUTF8 to a peer that offers it; smtpd mail without the parameter is not detected.',
  sinks: { plain: { extensions: PLAIN_PEER }, utf8: { extensions: UTF8_PEER } },
  config: {
    main: { transport_maps: 'texthash:$config_directory/transport', smtp_connection_cache_on_demand: 'no' },
    maps: [{ name: 'transport', content: 'plain.example smtp:{{sink:plain}}\nutf8.example smtp:{{sink:utf8}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        // requested by the client, a UTF-8 header: bounced at the plain peer
        { command: `MAIL FROM:<${SENDER}> SMTPUTF8`, expect: 250 },
        { command: 'RCPT TO:<one@plain.example>', expect: 250 },
        { data: `${UTF8_SUBJECT}\r\nrequested\r\n`, expect: 250 },
        // requested by the client: relayed with SMTPUTF8 to the peer that offers it
        { command: `MAIL FROM:<${SENDER}> SMTPUTF8`, expect: 250 },
        { command: 'RCPT TO:<two@utf8.example>', expect: 250 },
        { data: `${UTF8_SUBJECT}\r\nrequested\r\n`, expect: 250 },
        // not requested, and smtpd is not an autodetect class: relayed to the plain peer
        { command: `MAIL FROM:<${SENDER}>`, expect: 250 },
        { command: 'RCPT TO:<three@plain.example>', expect: 250 },
        { data: `${UTF8_SUBJECT}\r\nnot requested\r\n`, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'utf8', messages: 1 },
    { kind: 'wait-sink', sink: 'plain', messages: 1 },
    { kind: 'wait', event: { kind: 'delivery', to: SENDER, status: 'sent' }, count: 1 },
    // sendmail is an autodetect class: the UTF-8 header requests SMTPUTF8
    { kind: 'sendmail', args: ['-f', SENDER, 'four@plain.example'], message: 'Subject: grüße\n\ndetected\n' },
    { kind: 'wait', event: { kind: 'delivery', to: SENDER, status: 'sent' }, count: 2 },
    { kind: 'sendmail', args: ['-f', SENDER, 'five@utf8.example'], message: 'Subject: grüße\n\ndetected\n' },
    { kind: 'wait-sink', sink: 'utf8', messages: 2 },
    // a MIME part's header counts as a header
    { kind: 'sendmail', args: ['-f', SENDER, 'six@plain.example'], message: MIME_UTF8_PART },
    { kind: 'wait', event: { kind: 'delivery', to: SENDER, status: 'sent' }, count: 3 },
    { kind: 'queue', expect: 'empty' },
  ],
  expect: {
    deliveries: [
      { sink: 'utf8', from: SENDER, to: ['two@utf8.example'], mailParams: [/^SIZE=\d+$/, 'SMTPUTF8'] },
      { sink: 'plain', from: SENDER, to: ['three@plain.example'], mailParams: [/^SIZE=\d+$/] },
      { sink: 'utf8', from: SENDER, to: ['five@utf8.example'], mailParams: [/^SIZE=\d+$/, 'SMTPUTF8'] },
    ],
    sinkMessages: { plain: 1, utf8: 2 },
    mailboxes: [{ user: 'nobody', messages: 3, headers: { Subject: 'Undelivered Mail Returned to Sender' } }],
    events: [
      { kind: 'delivery', to: 'one@plain.example', status: 'bounced', dsn: '5.6.7', text: /^SMTPUTF8 is required, but was not offered by host 127\.0\.0\.1\[127\.0\.0\.1\]/ },
      { kind: 'delivery', to: 'four@plain.example', status: 'bounced', dsn: '5.6.7', text: /^SMTPUTF8 is required, but was not offered by host / },
      { kind: 'delivery', to: 'six@plain.example', status: 'bounced', dsn: '5.6.7', text: /^SMTPUTF8 is required, but was not offered by host / },
    ],
    queue: 'empty',
  },
};
export default scenario;
