import type { Scenario } from '../../harness/scenario/types.ts';
import { relayToRemote } from '../_shared/builders.ts';

/**
 * A lookup table that answers with an empty string (maps_find() in maps.c): trivial-rewrite
 * logs "sender_dependent_relayhost_maps lookup of <key> returns an empty string result" and
 * "sender_dependent_relayhost_maps should return NO RESULT in case of NOT FOUND", both naming the
 * parameter; resolve then logs "sender_dependent_relayhost_maps lookup failure" and answers with
 * the failure flag, so smtpd, resolving the recipient of mail from that sender, answers RCPT with
 * "451 4.3.0 <…>: Temporary lookup failure". trivial-rewrite(8), smtpd(8), postconf(5)
 * sender_dependent_relayhost_maps.
 */
const scenario: Scenario = {
  id: 'trivial-rewrite/sender-relayhost-empty-result',
  title: 'an empty sender_dependent_relayhost_maps result: warned with the parameter name, a temporary failure',
  description: 'sender_dependent_relayhost_maps = inline:{alice@client.example=}: the lookup for mail from alice@client.example returns an empty string; trivial-rewrite warns three times naming the parameter, and RCPT gets 451 4.3.0 Temporary lookup failure.',
  sinks: { remote: {} },
  config: relayToRemote({ sender_dependent_relayhost_maps: 'inline:{alice@client.example=}' }),
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<bob@remote.example>', expect: { code: 451, text: '4.3.0 <bob@remote.example>: Temporary lookup failure' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'warning', service: 'trivial-rewrite', text: 'sender_dependent_relayhost_maps lookup of alice@client.example returns an empty string result' },
      { kind: 'warning', service: 'trivial-rewrite', text: 'sender_dependent_relayhost_maps should return NO RESULT in case of NOT FOUND' },
      { kind: 'warning', service: 'trivial-rewrite', text: 'sender_dependent_relayhost_maps lookup failure' },
    ],
    queue: 'empty',
  },
};
export default scenario;
