import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * smtpd_recipient_limit and smtpd_recipient_overshoot_limit: once a transaction has
 * smtpd_recipient_limit recipients, each further RCPT TO gets "452 4.5.3 Error: too many
 * recipients" (RFC 5321 section 4.5.3.1.10 asks clients to retry those later). The first
 * smtpd_recipient_overshoot_limit of those replies do not count as errors (the disconnect
 * statistics count them as successes); later ones do. The message goes to the accepted
 * recipients only.
 */
const tooMany = { code: 452, text: '4.5.3 Error: too many recipients' };

const scenario: Scenario = {
  id: 'smtpd-security/recipient-limit',
  title: 'RCPT over smtpd_recipient_limit gets 452 4.5.3; past the overshoot limit it counts as an error',
  description: 'With a limit of 2 and an overshoot limit of 2, the third and fourth RCPT get 452 counted as ok, the fifth 452 counted as an error.',
  config: { main: { smtpd_recipient_limit: '2', smtpd_recipient_overshoot_limit: '2' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: ['nobody@mx.twinpost.test', 'root@mx.twinpost.test'] }),
        { command: 'RCPT TO:<postmaster@mx.twinpost.test>', expect: tooMany },
        { command: 'RCPT TO:<mail@mx.twinpost.test>', expect: tooMany },
        { command: 'RCPT TO:<daemon@mx.twinpost.test>', expect: tooMany },
        { data: 'Subject: two recipients\r\n\r\nbody\r\n', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { command: 'RSET', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', status: 'sent', count: 2 }],
    queue: 'empty',
  },
};
export default scenario;
