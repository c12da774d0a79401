import type { Scenario } from '../../harness/scenario/types.ts';
import { messageToDomain, NO_RETRY_DURING_RUN, routeDomains } from '../_shared/builders.ts';

/**
 * XFORWARD to a content filter (postconf(5) smtp_send_xforward_command,
 * smtp_xforward_timeout; XFORWARD_README; smtp_proto.c): a server that announces XFORWARD
 * gets the original client's attributes before MAIL FROM only when smtp_send_xforward_command
 * = yes (default no), and only those it names in its EHLO line: "XFORWARD NAME=… ADDR=…",
 * then "XFORWARD PROTO=… HELO=… IDENT=<queue ID> SOURCE=LOCAL|REMOTE", pipelined with the
 * rest when the server offers PIPELINING. Each reply must come within smtp_xforward_timeout;
 * a later one defers the mail "while sending XFORWARD name/address".
 */

/** What the peers announce: XFORWARD without PORT (ephemeral, so not compared between runs). */
const FILTER_EXTENSIONS = ['PIPELINING', 'SIZE 10240000', '8BITMIME', 'ENHANCEDSTATUSCODES', 'XFORWARD NAME ADDR PROTO HELO IDENT SOURCE'];

const ROUTES = {
  'a.example': 'smtp:{{sink:filter}}',
  'b.example': 'xforward:{{sink:filter}}',
  'c.example': 'slowxforward:{{sink:slowfilter}}',
};

const scenario: Scenario = {
  id: 'smtp/xforward',
  title: 'XFORWARD only with smtp_send_xforward_command = yes, with the attributes the server names; a reply later than smtp_xforward_timeout defers',
  description: 'Three messages to peers announcing XFORWARD: the default smtp service sends none; one with smtp_send_xforward_command = yes sends the client name, address, protocol, HELO name, queue ID and source, pipelined before MAIL FROM; one with smtp_xforward_timeout = 1s meets a peer that answers after 3 s and defers.',
  sinks: {
    filter: { extensions: FILTER_EXTENSIONS },
    slowfilter: { extensions: FILTER_EXTENSIONS, faults: [{ kind: 'slow', stage: 'xforward', delayMs: 3000 }] },
  },
  config: routeDomains(ROUTES, {
    main: NO_RETRY_DURING_RUN,
    master: [
      'xforward unix - - n - - smtp -o smtp_send_xforward_command=yes',
      'slowxforward unix - - n - - smtp -o smtp_send_xforward_command=yes -o smtp_xforward_timeout=1s',
    ],
  }),
  steps: [
    ...messageToDomain('a.example'),
    ...messageToDomain('b.example'),
    { kind: 'sink-connections', sink: 'filter', count: 2, transactions: [1, 1] },
    ...messageToDomain('c.example'),
  ],
  expect: {
    deliveries: [
      { sink: 'filter', from: 'alice@client.example', to: ['bob@a.example'], headers: { Subject: 'to a.example' } },
      { sink: 'filter', from: 'alice@client.example', to: ['bob@b.example'], headers: { Subject: 'to b.example' } },
    ],
    sinkMessages: { filter: 2, slowfilter: 0 },
    events: [
      { kind: 'delivery', to: 'bob@a.example', status: 'sent' },
      { kind: 'delivery', to: 'bob@b.example', status: 'sent' },
      { kind: 'delivery', to: 'bob@c.example', status: 'deferred', dsn: '4.4.2', text: 'conversation with 127.0.0.1[127.0.0.1] timed out while sending XFORWARD name/address' },
    ],
    queue: { count: 1 },
  },
};
export default scenario;
