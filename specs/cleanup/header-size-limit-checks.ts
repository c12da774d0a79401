import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/** A folded line of the long header: a space and 99 letters, 101 bytes with its line break. */
const FOLDED = ` ${'x'.repeat(99)}`;

/**
 * header_checks see a header as the MIME reader kept it (mime_state.c, Postfix 3.7.11): once
 * a header holds header_size_limit bytes (here 1000), its further lines are dropped before the
 * header is complete, so a rule can match only text within the limit. X-Long: has ten folded
 * lines of 101 bytes each (line breaks counted) before the line "MARKER": the header is full
 * after the tenth, the marker never reaches header_checks and the message is delivered with
 * the header cut at a line boundary. X-Short: has the marker on its second line and is
 * rejected. Written for the mutation campaign: no scenario had a header whose folded lines
 * alone went over header_size_limit before a line a rule looks at.
 */
const scenario: Scenario = {
  id: 'cleanup/header-size-limit-checks',
  title: 'header_checks do not see folded lines past header_size_limit',
  description: 'header_size_limit = 1000, header_checks /MARKER/ REJECT: the marker on the eleventh folded line of X-Long: is dropped before the check (250, delivered with 9 folded lines); on the second line of X-Short: it is seen (550).',
  config: {
    main: { header_size_limit: '1000', header_checks: 'regexp:$config_directory/header_checks' },
    maps: [{ name: 'header_checks', content: '/MARKER/ REJECT marker seen\n' }],
  },
  steps: [
    oneMessage({
      name: 'marker past the limit',
      to: 'nobody@mx.twinpost.test',
      data: ['X-Long: start', ...Array.from({ length: 10 }, () => FOLDED), ' MARKER', 'Subject: long', '', 'body', ''].join('\r\n'),
      dataReply: { code: 250, text: /^2\.0\.0 Ok: queued as / },
    }),
    oneMessage({
      name: 'marker within the limit',
      to: 'nobody@mx.twinpost.test',
      data: ['X-Short: start', ' MARKER', 'Subject: short', '', 'body', ''].join('\r\n'),
      dataReply: { code: 550, text: '5.7.1 marker seen' },
    }),
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [
      {
        user: 'nobody',
        messages: 1,
        headers: { 'X-Long': `start${FOLDED.repeat(9)}`, Subject: 'long' },
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
