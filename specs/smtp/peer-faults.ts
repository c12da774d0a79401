import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { messageToDomain, NO_RETRY_DURING_RUN, routeDomains } from '../_shared/builders.ts';

/**
 * What smtp(8) makes of a peer's refusals and failures at each stage (smtp_proto.c,
 * smtp_chat.c, smtp_trouble.c): a 5xx reply bounces the recipient and a 4xx defers it, with
 * "host H said: REPLY (in reply to STAGE command)" naming the command it answered; a
 * multi-line reply is kept whole, each line with its code, joined by spaces; a connection
 * lost, or a reply not come within smtp_data_done_timeout, after the message was sent
 * defers with "-- message may be sent more than once" and no QUIT; and a 250 whose text holds
 * "123-ABC" is an ordinary one-line reply. Bounced mail makes a notice to the local sender.
 * Written for the mutation campaign: smtp(8) had one scenario, for success only.
 */

const ROUTES = {
  'a.example': 'smtp:{{sink:refuses-data}}',
  'b.example': 'smtp:{{sink:defers-dot}}',
  'c.example': 'smtp:{{sink:multiline}}',
  'd.example': 'smtp:{{sink:drops}}',
  'e.example': 'smtp:{{sink:slow}}',
  'f.example': 'smtp:{{sink:dash}}',
  'g.example': 'smtp:{{sink:refuses-mail}}',
};

/** One message to bob@DOMAIN, then a wait for its delivery attempt (and the notice, for a bounce). */
function send(domain: keyof typeof ROUTES, bounces: boolean): Step[] {
  return [
    ...messageToDomain(domain, { from: 'nobody@mx.twinpost.test', body: `hello ${domain}` }),
    ...(bounces ? [{ kind: 'wait' as const, event: { kind: 'delivery' as const, to: 'nobody@mx.twinpost.test', status: 'sent' } }] : []),
  ];
}

const scenario: Scenario = {
  id: 'smtp/peer-faults',
  title: 'a peer refuses or fails at each stage: bounce or defer with the stage named',
  description: 'Seven messages, each to its own peer: 554 at DATA, 451 at end of data, a 3-line 550 at RCPT, a drop after the data, a reply later than smtp_data_done_timeout = 1s, a 250 with "123-" in its text, 553 at MAIL FROM.',
  sinks: {
    'refuses-data': { faults: [{ kind: 'reply', stage: 'data', reply: '554 5.7.1 no data from you' }] },
    'defers-dot': { faults: [{ kind: 'reply', stage: 'dot', reply: '451 4.3.0 queue full, try later' }] },
    multiline: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 the first line\n5.1.1 the second line\n5.1.1 the last line' }] },
    drops: { faults: [{ kind: 'drop-mid-data', afterBytes: 10 }] },
    slow: { faults: [{ kind: 'slow', stage: 'dot', delayMs: 4000 }] },
    dash: { faults: [{ kind: 'reply', stage: 'dot', reply: '250 2.0.0 Ok: queued as 123-ABC' }] },
    'refuses-mail': { faults: [{ kind: 'reply', stage: 'mail', reply: '553 5.7.1 not you' }] },
  },
  config: routeDomains(ROUTES, {
    main: {
      smtp_data_done_timeout: '1s',
      ...NO_RETRY_DURING_RUN,
    },
  }),
  steps: [
    ...send('a.example', true),
    ...send('b.example', false),
    ...send('c.example', true),
    ...send('d.example', false),
    ...send('e.example', false),
    ...send('f.example', false),
    ...send('g.example', true),
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'bob@a.example', status: 'bounced', dsn: '5.7.1', text: 'host 127.0.0.1[127.0.0.1] said: 554 5.7.1 no data from you (in reply to DATA command)' },
      { kind: 'delivery', to: 'bob@b.example', status: 'deferred', dsn: '4.3.0', text: 'host 127.0.0.1[127.0.0.1] said: 451 4.3.0 queue full, try later (in reply to end of DATA command)' },
      { kind: 'delivery', to: 'bob@c.example', status: 'bounced', dsn: '5.1.1', text: 'host 127.0.0.1[127.0.0.1] said: 550-5.1.1 the first line 550-5.1.1 the second line 550 5.1.1 the last line (in reply to RCPT TO command)' },
      { kind: 'delivery', to: 'bob@d.example', status: 'deferred', dsn: '4.4.2', text: 'lost connection with 127.0.0.1[127.0.0.1] while sending end of data -- message may be sent more than once' },
      { kind: 'delivery', to: 'bob@e.example', status: 'deferred', dsn: '4.4.2', text: 'conversation with 127.0.0.1[127.0.0.1] timed out while sending end of data -- message may be sent more than once' },
      { kind: 'delivery', to: 'bob@f.example', status: 'sent', dsn: '2.0.0', text: '250 2.0.0 Ok: queued as 123-ABC' },
      { kind: 'delivery', to: 'bob@g.example', status: 'bounced', dsn: '5.7.1', text: 'host 127.0.0.1[127.0.0.1] said: 553 5.7.1 not you (in reply to MAIL FROM command)' },
      { kind: 'notification', what: 'sender non-delivery notification', count: 3 },
    ],
    mailboxes: [{ user: 'nobody', messages: 3, headers: { Subject: 'Undelivered Mail Returned to Sender' } }],
    queue: { count: 3 },
  },
};
export default scenario;
