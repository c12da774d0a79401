import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * UNIX From_ lines at the start of the content (smtpd.c, the reading part of data_cmd(), "because
 * sendmail permits it"): every line that starts with "From " or ">From " before the first other
 * line becomes an "X-Mailbox-Line:" header, however many there are, so a second or third one
 * does not end the header block early; the headers that follow stay headers. A "From " line
 * later in the body is body text.
 */
const scenario: Scenario = {
  id: 'smtpd-security/from-line-start',
  title: 'several From_ lines at the start become X-Mailbox-Line: headers; the header block goes on',
  description: 'Three leading From_/>From_ lines are each stored as X-Mailbox-Line:, and Subject, To and X-After after them are still headers (cleanup rewrites To:, adds Message-Id/Date/From after them).',
  config: { main: {} },
  steps: [
    oneMessage({
      to: 'nobody@mx.twinpost.test',
      data: [
        'From alice@client.example  Mon Jan  1 00:00:00 2024',
        '>From bob@client.example  Mon Jan  1 00:00:01 2024',
        'From carol',
        'Subject: three from lines',
        'To: nobody',
        'X-After: still a header',
        '',
        'From the body',
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
          'X-Mailbox-Line': 'From carol',
          Subject: 'three from lines',
          To: 'nobody@mx.twinpost.test',
          'X-After': 'still a header',
          'Message-Id': true,
        },
        bodyIncludes: ['From the body\n'],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
