import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * cleanup(8)'s MIME safety limits (postconf(5) mime_nesting_limit, mime_boundary_length_limit;
 * mime_state.c). Each multipart/* entity pushes its boundary while no more than
 * mime_nesting_limit are open; one more is an error when any header check or strict MIME check
 * is configured ("reject: mime-error MIME nesting exceeds safety limit: ...", 550 5.6.0 at
 * the end). A boundary is kept only up to mime_boundary_length_limit bytes, so any line that
 * starts with "--" and that much of it is taken for a boundary: here "--abcdefghij-fake"
 * opens a part whose "X-Trap:" header mime_header_checks refuses, although the real boundary
 * is "abcdefghij-real".
 */

/** One SMTP transaction with `content`, answered with `reply` at the end of DATA. */
function message(name: string, content: string, reply: number | string): Step {
  return oneMessage({ name, to: 'bob@far.example', data: content, dataReply: reply });
}

/** Multiparts nested `depth` deep, each the only part of the one around it. */
function nested(depth: number): string {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 1; i <= depth; i++) {
    open.push(`Content-Type: multipart/mixed; boundary=level${i}`, '', `--level${i}`);
    close.unshift(`--level${i}--`);
  }
  return ['Subject: deep', 'MIME-Version: 1.0', ...open, 'Content-Type: text/plain', '', 'innermost', ...close, ''].join('\r\n');
}

const scenario: Scenario = {
  id: 'cleanup/mime-limits',
  title: 'mime_nesting_limit = 2 and mime_boundary_length_limit = 10',
  description: 'Five nested multiparts are refused for their nesting; three are relayed; a body line that shares the first 10 bytes of the boundary opens a part whose header is refused.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      mime_nesting_limit: '2',
      mime_boundary_length_limit: '10',
      mime_header_checks: 'regexp:$config_directory/mime_header_checks',
    },
    maps: [{ name: 'mime_header_checks', content: '/^X-Trap:/ REJECT 5.7.1 trapped part header\n' }],
  },
  steps: [
    message('too deep', nested(5), '550 5.6.0 MIME nesting exceeds safety limit'),
    message('deep enough', nested(3), 250),
    message(
      'long boundary',
      'Subject: long boundary\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="abcdefghij-real"\r\n\r\n--abcdefghij-real\r\n\r\ntext\r\n--abcdefghij-fake\r\nX-Trap: caught\r\n\r\nmore\r\n--abcdefghij-real--\r\n',
      '550 5.7.1 trapped part header',
    ),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], headers: { Subject: 'deep' }, bodyIncludes: ['innermost'] }],
    events: [
      { kind: 'other', service: 'cleanup', text: /^reject: mime-error MIME nesting exceeds safety limit: Content-Type: multipart\/mixed; boundary=level\d from / },
      { kind: 'reject', stage: 'header', dsn: '5.7.1', text: 'X-Trap: caught: trapped part header' },
    ],
    queue: 'empty',
  },
};
export default scenario;
