import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { awaitRelayed, relayToRemote } from '../_shared/builders.ts';

/**
 * The BODY= parameter smtp(8) gives a next hop that offers 8BITMIME (RFC 6152; smtp_proto.c
 * builds MAIL FROM from the queue file's content encoding): BODY=8BITMIME for a message
 * declared 8-bit, BODY=7BIT for one declared 7-bit, and nothing at all for a message whose
 * client declared nothing — the relay does not claim 7 bits it never checked.
 * Written for the mutation campaign: no scenario relayed a message declared BODY=7BIT.
 */

/** One message with MAIL FROM parameter PARAM (or none) to bob@remote.example. */
function send(name: string, param: string): Step {
  return {
    kind: 'smtp',
    name,
    dialog: [
      { command: 'EHLO client.example', expect: 250 },
      { command: `MAIL FROM:<alice@client.example>${param ? ` ${param}` : ''}`, expect: 250 },
      { command: 'RCPT TO:<bob@remote.example>', expect: 250 },
      { data: `Subject: ${name}\r\n\r\nplain ASCII text\r\n`, expect: 250 },
      { command: 'QUIT', expect: 221 },
    ],
  };
}

const scenario: Scenario = {
  id: 'smtp/body-type',
  title: 'BODY=7BIT and BODY=8BITMIME are passed on to an 8BITMIME peer; no BODY= stays none',
  description: 'Three messages to one peer that offers 8BITMIME: declared BODY=7BIT, declared BODY=8BITMIME, declared nothing; the peer records the MAIL FROM parameters of each.',
  sinks: { remote: {} },
  config: relayToRemote(),
  steps: [
    send('seven', 'BODY=7BIT'),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    send('eight', 'BODY=8BITMIME'),
    { kind: 'wait-sink', sink: 'remote', messages: 2 },
    send('none', ''),
    ...awaitRelayed(3),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], mailParams: [/^SIZE=\d+$/, 'BODY=7BIT'], headers: { Subject: 'seven' } },
      { sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], mailParams: [/^SIZE=\d+$/, 'BODY=8BITMIME'], headers: { Subject: 'eight' } },
      { sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], mailParams: [/^SIZE=\d+$/], headers: { Subject: 'none' } },
    ],
    queue: 'empty',
  },
};
export default scenario;
