import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * A peer that refuses the session with a 5xx greeting, under smtp_skip_5xx_greeting = no:
 * smtp(8) bounces the recipients ("host … refused to talk to me: 554 …"), a hard error of the
 * site that does not make qmgr suspend the destination (qmgr_deliver.c throttles a queue only
 * for a deferral of the whole site). A second message to the same destination, queued after
 * the first bounced, is therefore tried at the peer too and bounced the same way, not deferred
 * with "delivery temporarily suspended". smtp(8), qmgr(8), postconf(5) smtp_skip_5xx_greeting.
 */
const scenario: Scenario = {
  id: 'qmgr/greeting-refused-not-dead',
  title: 'a 5xx greeting bounces the mail and leaves the destination usable',
  description: 'Two messages, one after the other, to a peer greeting with 554: both connect and bounce with "refused to talk to me"; none is deferred; the two non-delivery notices reach the local sender.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'connect', reply: '554 5.7.1 go away' }] } },
  config: relayToRemote({ ...NO_RETRY_DURING_RUN, smtp_skip_5xx_greeting: 'no' }),
  steps: [
    oneMessage({ name: 'first', from: 'nobody@mx.twinpost.test', to: 'bob@remote.example', data: 'Subject: first\r\n\r\nfirst\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'bob@remote.example', status: 'bounced' } },
    oneMessage({ name: 'second', from: 'nobody@mx.twinpost.test', to: 'carol@remote.example', data: 'Subject: second\r\n\r\nsecond\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'carol@remote.example', status: 'bounced' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' }, count: 2 },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'bob@remote.example', status: 'bounced', dsn: '5.7.1', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 554 5\.7\.1 go away$/ },
      { kind: 'delivery', to: 'carol@remote.example', status: 'bounced', dsn: '5.7.1', text: /^host 127\.0\.0\.1\[127\.0\.0\.1\] refused to talk to me: 554 5\.7\.1 go away$/ },
    ],
    noEvents: [{ kind: 'delivery', status: 'deferred' }],
    mailboxes: [{ user: 'nobody', messages: 2 }],
    queue: 'empty',
  },
};
export default scenario;
