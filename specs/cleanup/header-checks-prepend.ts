import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * A header_checks PREPEND text is written out as it stands, before the header that matched
 * (cleanup_act() in Postfix 3.7.11 hands it straight to cleanup_out_header()): it does not go
 * through cleanup's header processing. So a prepended Received: is not counted against
 * hopcount_limit (here 3: smtpd's own Received: and the one in the message make 2, and the
 * message is accepted), a prepended "To: carol" is not qualified although header rewriting
 * is on for this client, and a prepended Date: does not count as the message's Date:, so
 * cleanup still adds its own. Written for the mutation campaign (the header pass's "nothing
 * more after too many hops" guard); the reference counted, rewrote and noted prepended headers.
 */
const scenario: Scenario = {
  id: 'cleanup/header-checks-prepend',
  title: 'a header_checks PREPEND header is not counted as a hop, not rewritten and not seen',
  description: 'hopcount_limit = 3; PREPEND Received: before the message\'s one Received: (accepted, delivered with three Received: lines), PREPEND To: carol (left unqualified) and PREPEND Date: (cleanup adds a Date: too).',
  config: {
    main: { hopcount_limit: '3', header_checks: 'regexp:$config_directory/header_checks' },
    maps: [
      {
        name: 'header_checks',
        content: [
          '/^Received: from relay/ PREPEND Received: from prepended',
          '/^Subject: tag/ PREPEND To: carol',
          '/^X-Date:/ PREPEND Date: Mon, 1 Jan 2024 00:00:00 +0000',
          '',
        ].join('\n'),
      },
    ],
  },
  steps: [
    oneMessage({
      to: 'nobody@mx.twinpost.test',
      data: ['Received: from relay.example by hop.example', 'From: alice@client.example', 'Subject: tag', 'X-Date: now', '', 'body', ''].join('\r\n'),
      dataReply: { code: 250, text: /^2\.0\.0 Ok: queued as / },
    }),
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { To: 'carol', Subject: 'tag', 'X-Date': 'now' } }],
    noEvents: [{ kind: 'delivery', status: 'bounced' }],
    queue: 'empty',
  },
};
export default scenario;
