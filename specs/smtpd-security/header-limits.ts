import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

const line = (n: number, c: string) => c.repeat(n);
const nice = [`X-Nice: ${line(92, 'a')}`, ...Array.from({ length: 11 }, (_, k) => ` ${line(99, String(k))}`)];

/**
 * header_size_limit and header_address_token_limit (postconf(5); cleanup(8), Postfix 3.7.11
 * mime_state.c and cleanup_out.c). A header keeps growing until it holds header_size_limit
 * bytes (here 1000); later lines of it are dropped. When it is written, a header longer than
 * the limit is cut at the last line boundary if that keeps more than 90% of the limit (X-Nice:
 * nine lines of 100 bytes), else inside the line at exactly the limit (X-Unkind:, X-Single:).
 * Nothing is logged and the message is accepted. A line longer than line_length_limit (2048)
 * arrives in pieces: the header after the first piece is already over the limit. In the body a
 * long line is kept whole. An address header is parsed up to header_address_token_limit
 * tokens (here 5): when an address in it is rewritten, the header is rebuilt from those tokens
 * only, so "To: anna, bert, cleo, dora" loses dora.
 */
const scenario: Scenario = {
  id: 'smtpd-security/header-limits',
  title: 'header_size_limit cuts long headers (nice and unkind cut); header_address_token_limit cuts address lists',
  description: 'With header_size_limit = 1000 the folded X-Nice: keeps 9 lines, X-Unkind: and X-Single: are cut at byte 1000; with header_address_token_limit = 5 the rewritten To: keeps three addresses; a 5000-byte body line arrives whole.',
  config: { main: { header_size_limit: '1000', header_address_token_limit: '5' } },
  steps: [
    oneMessage({
      to: 'nobody@mx.twinpost.test',
      data: [
        ...nice,
        `X-Unkind: ${line(40, 'u')}`,
        ` ${line(3000, 'v')}`,
        ' tail of the unkind header',
        `X-Single: ${line(5000, 's')}`,
        'To: anna, bert, cleo, dora',
        'X-After: still a header',
        '',
        line(5000, 'b'),
        'end',
        '',
      ].join('\r\n'),
      dataReply: { code: 250, text: /^2\.0\.0 Ok: queued as / },
    }),
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [
      {
        user: 'nobody',
        messages: 1,
        headers: {
          'X-Nice': [`${line(92, 'a')}`, ...Array.from({ length: 8 }, (_, k) => ` ${line(99, String(k))}`)].join(''),
          'X-Unkind': `${line(40, 'u')} ${line(1000 - 52, 'v')}`,
          'X-Single': line(1000 - 10, 's'),
          // Rebuilt and folded before 70 columns (the TAB starts the continuation line).
          To: 'anna@mx.twinpost.test, bert@mx.twinpost.test,\tcleo@mx.twinpost.test',
          'X-After': 'still a header',
        },
        bodyIncludes: [`${line(5000, 'b')}\nend\n`],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
