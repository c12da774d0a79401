import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * The same relay attempt under Postfix's compiled-in default smtpd_relay_restrictions
 * (permit_mynetworks, permit_sasl_authenticated, defer_unauth_destination): the safety net
 * answers with a temporary 454 4.7.1, so a mistake in smtpd_recipient_restrictions cannot
 * turn into an open relay and no mail is lost. postconf(5) smtpd_relay_restrictions.
 */
const scenario: Scenario = {
  id: 'smtpd/relay-denied-default',
  title: 'relay deferred (454 4.7.1) under the default smtpd_relay_restrictions',
  description: 'defer_unauth_destination answers 454 4.7.1 Relay access denied; nothing is queued.',
  config: { main: { mynetworks: '192.0.2.0/24' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO outsider.example', expect: 250 },
        { command: 'MAIL FROM:<spammer@outsider.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<victim@foreign.example>', expect: { code: 454, enhanced: '4.7.1', text: '4.7.1 <victim@foreign.example>: Relay access denied' } },
        { command: 'DATA', expect: { code: 554, text: '5.5.1 Error: no valid recipients' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 454, dsn: '4.7.1', from: 'spammer@outsider.example', to: 'victim@foreign.example' },
      { kind: 'disconnect', count: 1 },
    ],
    noEvents: [{ kind: 'client' }, { kind: 'message-id' }, { kind: 'queue-active' }],
    queue: 'empty',
  },
};
export default scenario;
