import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * smtp(8)'s content inspection on output (postconf(5) smtp_header_checks,
 * smtp_mime_header_checks, smtp_nested_header_checks, smtp_body_checks; header_checks(5)
 * actions without those that change the delivery): each table sees only its own kind of
 * line while the message is sent — smtp_header_checks the primary headers (IGNORE drops
 * X-Secret:), smtp_mime_header_checks the MIME headers anywhere, MIME-Version: and
 * Content-* of the primary block included, and every header of a multipart part (REPLACE
 * rewrites X-Part:), smtp_nested_header_checks the headers of an attached message/rfc822
 * (PREPEND adds a header before its Subject:), smtp_body_checks each body line (REPLACE and
 * WARN). Each action but IGNORE is logged as "QID: action: header|body LINE: TEXT", the line
 * cut to 60 characters. The queue file keeps the message as it arrived; only what the peer
 * receives changes.
 */

const MESSAGE = [
  'Subject: output checks',
  'X-Secret: not for the next hop',
  'MIME-Version: 1.0',
  'Content-Type: multipart/mixed; boundary="BOUNDARY"',
  '',
  'preamble',
  '--BOUNDARY',
  'Content-Type: text/plain',
  'X-Part: first',
  '',
  'a line with a secret word in it that is rather long, longer than sixty characters',
  'a line to warn about',
  '--BOUNDARY',
  'Content-Type: message/rfc822',
  '',
  'Subject: the inner message',
  'X-Secret: nested, so not the primary table',
  '',
  'inner body',
  '--BOUNDARY--',
  '',
].join('\r\n');

const scenario: Scenario = {
  id: 'smtp/output-checks',
  title: 'smtp_header_checks, smtp_mime_header_checks, smtp_nested_header_checks and smtp_body_checks change what the next hop receives',
  description: 'One multipart message with a nested message relayed through smtp(8) with all four output tables set: the peer gets the primary X-Secret: dropped, the part header replaced, a header prepended in the attached message and a body line replaced; the maillog shows each action.',
  sinks: { remote: {} },
  config: relayToRemote(
    {
      smtp_header_checks: 'regexp:$config_directory/smtp_header_checks',
      smtp_mime_header_checks: 'regexp:$config_directory/smtp_mime_header_checks',
      smtp_nested_header_checks: 'regexp:$config_directory/smtp_nested_header_checks',
      smtp_body_checks: 'regexp:$config_directory/smtp_body_checks',
    },
    [
      { name: 'smtp_header_checks', content: '/^X-Secret:/ IGNORE\n/^Subject: the inner/ REPLACE Subject: primary table saw a nested header\n' },
      { name: 'smtp_mime_header_checks', content: '/^X-Part: (.*)/ REPLACE X-Part: replaced $1\n/^MIME-Version:/ INFO the MIME table sees MIME-Version\n' },
      { name: 'smtp_nested_header_checks', content: '/^Subject: the inner/ PREPEND X-Nested: seen\n' },
      { name: 'smtp_body_checks', content: '/secret word/ REPLACE a line without it\n/warn about/ WARN body warning\n/^Subject:/ REPLACE body table saw a header\n' },
    ],
  ),
  steps: [oneMessage({ data: MESSAGE }), ...awaitRelayed()],
  expect: {
    deliveries: [
      {
        sink: 'remote',
        from: 'alice@client.example',
        to: ['bob@remote.example'],
        headers: { Subject: 'output checks', 'MIME-Version': '1.0' },
        noHeaders: ['X-Secret'],
        bodyIncludes: [
          '\r\nContent-Type: text/plain\r\nX-Part: replaced first\r\n\r\na line without it\r\na line to warn about\r\n',
          '\r\nX-Nested: seen\r\nSubject: the inner message\r\nX-Secret: nested, so not the primary table\r\n\r\ninner body\r\n',
        ],
      },
    ],
    events: [
      { kind: 'other', queueId: 'Q1', text: 'info: header MIME-Version: 1.0: the MIME table sees MIME-Version' },
      { kind: 'other', queueId: 'Q1', text: 'replace: header X-Part: first: X-Part: replaced first' },
      { kind: 'other', queueId: 'Q1', text: 'replace: body a line with a secret word in it that is rather long, longer : a line without it' },
      { kind: 'warning', text: /body a line to warn about: body warning$/ },
      { kind: 'other', queueId: 'Q1', text: 'prepend: header Subject: the inner message: X-Nested: seen' },
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'sent' },
    ],
    queue: 'empty',
  },
};
export default scenario;
