import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * Which table inspects which header, and how much of each body part body_checks sees
 * (postconf(5) mime_header_checks, nested_header_checks, body_checks_size_limit;
 * cleanup_message.c, mime_state.c). cleanup(8) reads a message's MIME structure: the primary
 * header block goes through header_checks, except its MIME headers (Content-*, MIME-Version),
 * which go through mime_header_checks like every header of a multipart body part; the headers
 * of an attached message/rfc822 go through nested_header_checks. Part headers are not body
 * lines: body_checks sees only the text of each part, and only the lines that start within
 * body_checks_size_limit bytes of that part's body.
 */

const BOUNDARY = 'b0undary';

/** A multipart/mixed message: its parts, each "headers\r\n\r\nbody". */
function multipart(subject: string, parts: string[]): string {
  return [
    `Subject: ${subject}`, 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${BOUNDARY}"`, '', 'preamble',
    ...parts.flatMap((p) => [`--${BOUNDARY}`, p]), `--${BOUNDARY}--`, 'epilogue', '',
  ].join('\r\n');
}

/** One SMTP transaction with `content`, answered with `reply` at the end of DATA. */
function message(name: string, content: string, reply: number | string): Step {
  return oneMessage({ name, to: 'bob@far.example', data: content, dataReply: reply });
}

/** Filler text of 120 bytes: what comes after it lies beyond body_checks_size_limit. */
const FILLER = Array.from({ length: 6 }, (_, i) => `filler line ${i} .......`).join('\r\n');

const scenario: Scenario = {
  id: 'cleanup/mime-header-checks',
  title: 'mime_header_checks, nested_header_checks and body_checks_size_limit on a multipart message',
  description: 'A part header refused by mime_header_checks; an attached message\'s Subject refused by nested_header_checks; a part body line past body_checks_size_limit let through while the first line of the next part is refused; a header_checks rule never sees part headers.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      header_checks: 'regexp:$config_directory/header_checks',
      mime_header_checks: 'regexp:$config_directory/mime_header_checks',
      nested_header_checks: 'regexp:$config_directory/nested_header_checks',
      body_checks: 'regexp:$config_directory/body_checks',
      body_checks_size_limit: '100',
    },
    maps: [
      { name: 'header_checks', content: '/^X-Primary-Only:/ REJECT 5.7.1 primary rule\n/^Content-Type:/ REJECT 5.7.1 header_checks saw a MIME header\n' },
      { name: 'mime_header_checks', content: '/^Content-Type: application\\/x-evil/ REJECT 5.7.1 evil attachment\n/^X-Part-Tag:/ WARN part header seen\n' },
      { name: 'nested_header_checks', content: '/^Subject: .*inner secret/ REJECT 5.7.1 nested secret\n' },
      { name: 'body_checks', content: '/^forbidden/ REJECT 5.7.2 forbidden body\n/^X-Part-Tag:/ REJECT 5.7.2 body_checks saw a part header\n' },
    ],
  },
  steps: [
    message('evil part', multipart('evil part', ['Content-Type: application/x-evil\r\n\r\nAAAA']), '550 5.7.1 evil attachment'),
    message('nested', multipart('nested', ['Content-Type: message/rfc822\r\n\r\nFrom: eve@inner.example\r\nSubject: an inner secret\r\n\r\ninner body']), '550 5.7.1 nested secret'),
    message('late word', multipart('late word', [`X-Part-Tag: one\r\nX-Primary-Only: in a part\r\nContent-Type: text/plain\r\n\r\n${FILLER}\r\nforbidden but late`]), 250),
    message('second part', multipart('second part', [`Content-Type: text/plain\r\n\r\n${FILLER}`, 'Content-Type: text/plain\r\n\r\nforbidden at the start']), '550 5.7.2 forbidden body'),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], headers: { Subject: 'late word' }, bodyIncludes: ['X-Part-Tag: one\r\nX-Primary-Only: in a part\r\n', 'forbidden but late'] }],
    events: [
      { kind: 'reject', stage: 'header', dsn: '5.7.1', text: 'Content-Type: application/x-evil: evil attachment' },
      { kind: 'reject', stage: 'header', dsn: '5.7.1', text: 'Subject: an inner secret: nested secret' },
      { kind: 'warning', text: /^header X-Part-Tag: one from .*: part header seen$/ },
      { kind: 'reject', stage: 'body', dsn: '5.7.2', text: 'forbidden at the start: forbidden body' },
    ],
    queue: 'empty',
  },
};
export default scenario;
