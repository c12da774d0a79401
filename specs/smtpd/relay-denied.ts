import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * A client outside mynetworks may not relay. With smtpd_relay_restrictions ending in
 * reject_unauth_destination (as Debian's shipped main.cf has it), RCPT to a foreign domain
 * gets 554 5.7.1 "Relay access denied" (relay_domains_reject_code = 554). Nothing is queued.
 * Postfix's compiled-in default ends in defer_unauth_destination instead: see
 * relay-denied-default.ts. postconf(5), smtpd(8).
 */
const scenario: Scenario = {
  id: 'smtpd/relay-denied',
  title: 'relay denied to a client outside mynetworks',
  description: 'With 127.0.0.1 outside $mynetworks, RCPT TO a foreign domain gets 554 5.7.1 Relay access denied, DATA then has no valid recipients, and no queue file is made.',
  config: { main: { mynetworks: '192.0.2.0/24', smtpd_relay_restrictions: 'permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO outsider.example', expect: 250 },
        { command: 'MAIL FROM:<spammer@outsider.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<victim@foreign.example>', expect: { code: 554, enhanced: '5.7.1', text: '5.7.1 <victim@foreign.example>: Relay access denied' } },
        { command: 'DATA', expect: { code: 554, text: '5.5.1 Error: no valid recipients' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 554, dsn: '5.7.1', from: 'spammer@outsider.example', to: 'victim@foreign.example' },
      { kind: 'disconnect', count: 1 },
    ],
    noEvents: [{ kind: 'client' }, { kind: 'message-id' }, { kind: 'queue-active' }],
    queue: 'empty',
  },
};
export default scenario;
