import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * MAIL FROM parameters (smtpd(8), RFC 3461, RFC 6531): an unknown one is refused with 555
 * 5.5.4 "Unsupported option"; SMTPUTF8, ENVID= and RET= are taken, and ENVID/RET travel with
 * the message to a next hop that announces DSN, and not to one that does not (the comparison
 * with Postfix sees the whole MAIL FROM line). Added for the mutation campaign: a reference
 * that took every parameter it did not know as SMTPUTF8 passed every other scenario, and so
 * did one that sent ENVID to any peer.
 * (ENVID and RET are sent in two messages: with both, real smtp(8) writes ENVID first and the
 * reference RET first, a divergence reported apart. Connection caching is off so that each
 * message has its own connection, closed with QUIT, whatever the timing.)
 */
const DSN_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SMTPUTF8', 'DSN'];

const scenario: Scenario = {
  id: 'smtpd/mail-parameters',
  title: 'MAIL FROM parameters: an unknown one refused, ENVID and RET passed on to a DSN peer only',
  description: 'FOO=BAR gets 555 5.5.4 Unsupported option; SMTPUTF8 is accepted; ENVID and RET=HDRS reach the peer on the relayed MAIL FROM.',
  sinks: { remote: { extensions: DSN_PEER }, plain: {} },
  config: {
    main: { transport_maps: 'texthash:$config_directory/transport', smtp_connection_cache_on_demand: 'no' },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\nplain.example smtp:{{sink:plain}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> FOO=BAR', expect: { code: 555, enhanced: '5.5.4', text: '5.5.4 Unsupported option: FOO=BAR' } },
        { command: 'MAIL FROM:<alice@client.example> SMTPUTF8', expect: '250 2.1.0' },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> ENVID=QQ314159', expect: '250 2.1.0' },
        { command: 'RCPT TO:<bob@remote.example>', expect: 250 },
        { data: 'Subject: with ENVID\r\n\r\nHello.\r\n', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> RET=HDRS', expect: '250 2.1.0' },
        { command: 'RCPT TO:<carol@remote.example>', expect: 250 },
        { data: 'Subject: with RET\r\n\r\nHello.\r\n', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> ENVID=QQ271828', expect: '250 2.1.0' },
        { command: 'RCPT TO:<dave@plain.example>', expect: 250 },
        { data: 'Subject: ENVID to a peer without DSN\r\n\r\nHello.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'remote', messages: 2 },
    { kind: 'wait-sink', sink: 'plain', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 3 },
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], mailParams: [/^SIZE=\d+$/, 'ENVID=QQ314159'], headers: { Subject: 'with ENVID' } },
      { sink: 'remote', from: 'alice@client.example', to: ['carol@remote.example'], mailParams: [/^SIZE=\d+$/, 'RET=HDRS'], headers: { Subject: 'with RET' } },
      { sink: 'plain', from: 'alice@client.example', to: ['dave@plain.example'], mailParams: [/^SIZE=\d+$/], headers: { Subject: 'ENVID to a peer without DSN' } },
    ],
    queue: 'empty',
  },
};
export default scenario;
