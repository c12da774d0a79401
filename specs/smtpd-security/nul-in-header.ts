import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * NUL bytes in message headers (Postfix 3.7.11 mime_state.c, the header buffer is built with
 * string copies): each header line is kept up to its first NUL and the rest of that line is
 * lost, while the following continuation lines of the same header are kept; an address header
 * cut this way is then rewritten from what is left ("To: nobody" gets @$myorigin). A NUL in
 * the body is kept. The obsolete "Name : value" form (RFC 5322 section 4.5.1) is stored as
 * "Name: value".
 */
const scenario: Scenario = {
  id: 'smtpd-security/nul-in-header',
  title: 'a NUL cuts its header line; body NULs are kept; "Name :" is normalised',
  description: 'X-Nul: before<NUL>after is stored as "X-Nul: before"; in a folded header only the line with the NUL is cut; To: nobody<NUL>@evil.example becomes To: nobody@mx.twinpost.test; the body line keeps its NUL.',
  config: { main: {} },
  steps: [
    oneMessage({
      to: 'nobody@mx.twinpost.test',
      data: [
        'Subject : spaced name',
        'X-Nul: before\0after',
        'X-Nul-Folded: one',
        ' two\0three',
        ' four',
        'To: nobody\0@evil.example, other',
        'X-After: still a header',
        '',
        'body line with \0 inside',
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
        headers: { Subject: 'spaced name', 'X-Nul': 'before', 'X-Nul-Folded': 'one two four', To: 'nobody@mx.twinpost.test', 'X-After': 'still a header' },
        bodyIncludes: ['body line with \0 inside\n'],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
