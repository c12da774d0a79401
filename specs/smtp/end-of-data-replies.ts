import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { messageToDomain, routeDomains } from '../_shared/builders.ts';

/**
 * How smtp(8) takes the server's reply to the end of the message (smtp_proto.c,
 * smtp_chat.c): only a 2xx reply delivers — "200" as well as "250" — and the delivery line
 * shows the reply, with the enhanced status of the reply's class (2.0.0) when the code in its
 * text is of another class; a 5xx bounces the recipient with "host H said: REPLY (in reply to
 * end of DATA command)"; and a 3xx, which no server may send there, is a protocol error: the
 * recipient bounces with status 5.5.0, its reply named the same way.
 * Written for the mutation campaign: the test for a successful final reply was never given a
 * 200, a 3xx or a 5xx.
 */

const ROUTES = {
  'a.example': 'smtp:{{sink:two-hundred}}',
  'b.example': 'smtp:{{sink:three-hundred}}',
  'c.example': 'smtp:{{sink:rejects-dot}}',
};

/** One message with the null sender to bob@DOMAIN, then a wait for its delivery attempt. */
function send(domain: keyof typeof ROUTES): Step[] {
  return messageToDomain(domain, { from: '', body: `hello ${domain}` });
}

const scenario: Scenario = {
  id: 'smtp/end-of-data-replies',
  title: 'a 200 after the message delivers, a 3xx and a 5xx bounce',
  description: 'Three messages with the null sender, each to its own peer: the peer answers the end of the message with 200 (and a 4.0.0 in its text), with 300 and with 554.',
  sinks: {
    'two-hundred': { faults: [{ kind: 'reply', stage: 'dot', reply: '200 4.0.0 queued all the same' }] },
    'three-hundred': { faults: [{ kind: 'reply', stage: 'dot', reply: '300 carry on' }] },
    'rejects-dot': { faults: [{ kind: 'reply', stage: 'dot', reply: '554 5.7.1 message content rejected' }] },
  },
  config: routeDomains(ROUTES),
  steps: [...send('a.example'), ...send('b.example'), ...send('c.example')],
  expect: {
    events: [
      { kind: 'delivery', to: 'bob@a.example', status: 'sent', dsn: '2.0.0', text: '200 4.0.0 queued all the same' },
      { kind: 'delivery', to: 'bob@b.example', status: 'bounced', dsn: '5.5.0', text: 'host 127.0.0.1[127.0.0.1] said: 300 carry on (in reply to end of DATA command)' },
      { kind: 'delivery', to: 'bob@c.example', status: 'bounced', dsn: '5.7.1', text: 'host 127.0.0.1[127.0.0.1] said: 554 5.7.1 message content rejected (in reply to end of DATA command)' },
    ],
    queue: 'empty',
  },
};
export default scenario;
