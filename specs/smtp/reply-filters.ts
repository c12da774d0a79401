import type { Scenario } from '../../harness/scenario/types.ts';
import { messageToDomain, NO_RETRY_DURING_RUN, routeDomains } from '../_shared/builders.ts';

/**
 * Tables smtp(8) consults about the server's answers (postconf(5) smtp_reply_filter,
 * smtp_delivery_status_filter, smtp_discard_ehlo_keyword_address_maps), each set with -o on
 * its own master.cf service: smtp_reply_filter replaces each reply line that matches before
 * it is read ("replacing server reply" is logged), so a 550 made a 450 defers instead of
 * bouncing; smtp_delivery_status_filter replaces a recipient's status and text ("D.D.D text")
 * before it is logged, a success with another success only; smtp_discard_ehlo_keyword_address_maps
 * gives, per server address, the EHLO keywords to ignore instead of smtp_discard_ehlo_keywords:
 * without PIPELINING and SIZE the commands go one by one and MAIL FROM has no SIZE=.
 */

const ROUTES = {
  'a.example': 'replies:{{sink:refuses}}',
  'b.example': 'statuses:{{sink:plain}}',
  'c.example': 'keywords:{{sink:plain}}',
};

const scenario: Scenario = {
  id: 'smtp/reply-filters',
  title: 'smtp_reply_filter turns a 550 into a 450, smtp_delivery_status_filter rewrites a success, smtp_discard_ehlo_keyword_address_maps hides PIPELINING and SIZE from one server',
  description: 'Three messages, each through its own smtp service: the refused recipient is deferred with the filtered reply; the delivered one is logged with the filtered status and text; the third peer gets MAIL, RCPT and DATA one at a time and no SIZE=.',
  sinks: {
    refuses: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 no such user here' }] },
    plain: {},
  },
  config: routeDomains(ROUTES, {
    main: NO_RETRY_DURING_RUN,
    master: [
      'replies unix - - n - - smtp -o smtp_reply_filter=regexp:$config_directory/reply_filter',
      'statuses unix - - n - - smtp -o smtp_delivery_status_filter=regexp:$config_directory/status_filter',
      'keywords unix - - n - - smtp -o smtp_discard_ehlo_keyword_address_maps=texthash:$config_directory/discard_keywords',
    ],
    maps: [
      { name: 'reply_filter', content: '/^550 5\\.1\\.1 (.*)/ 450 4.1.1 $1 (filtered)\n' },
      { name: 'status_filter', content: '/^2\\.0\\.0 250 .*queued as/ 2.0.1 accepted by the peer (filtered)\n' },
      { name: 'discard_keywords', content: '127.0.0.1 pipelining, size\n' },
    ],
  }),
  steps: [...messageToDomain('a.example'), ...messageToDomain('b.example'), ...messageToDomain('c.example')],
  expect: {
    deliveries: [
      { sink: 'plain', from: 'alice@client.example', to: ['bob@b.example'], mailParams: [/^SIZE=/], headers: { Subject: 'to b.example' } },
      { sink: 'plain', from: 'alice@client.example', to: ['bob@c.example'], mailParams: [], headers: { Subject: 'to c.example' } },
    ],
    sinkMessages: { refuses: 0, plain: 2 },
    events: [
      { kind: 'other', text: '127.0.0.1[127.0.0.1]:<port>: replacing server reply "550 5.1.1 no such user here" with "450 4.1.1 no such user here (filtered)"' },
      { kind: 'delivery', to: 'bob@a.example', status: 'deferred', dsn: '4.1.1', text: 'host 127.0.0.1[127.0.0.1] said: 450 4.1.1 no such user here (filtered) (in reply to RCPT TO command)' },
      { kind: 'delivery', to: 'bob@b.example', status: 'sent', dsn: '2.0.1', text: 'accepted by the peer (filtered)' },
      { kind: 'other', text: 'discarding EHLO keywords: PIPELINING SIZE' },
      { kind: 'delivery', to: 'bob@c.example', status: 'sent', dsn: '2.0.0' },
    ],
    queue: { count: 1 },
  },
};
export default scenario;
