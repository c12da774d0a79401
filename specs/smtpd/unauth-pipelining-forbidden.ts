import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_forbid_unauth_pipelining = yes (postconf(5); Postfix 3.7.9 and later, "no" by default
 * in 3.7): a client that sends a command while a reply it must wait for is still due — here
 * MAIL and RCPT in one write after HELO, where RFC 2920 PIPELINING was never offered — gets
 * "554 5.5.0 Error: SMTP protocol synchronization" and the session ends without MAIL being
 * executed; smtpd logs "improper command pipelining after MAIL". Written for the mutation
 * campaign: no scenario turned the parameter on, so the end of the session was never seen.
 */
const scenario: Scenario = {
  id: 'smtpd/unauth-pipelining-forbidden',
  title: 'smtpd_forbid_unauth_pipelining = yes: 554 5.5.0 and the end of the session',
  description: 'After HELO (no PIPELINING), MAIL FROM and RCPT TO sent in one write: smtpd answers 554 5.5.0 Error: SMTP protocol synchronization and closes the connection.',
  config: {
    main: { smtpd_forbid_unauth_pipelining: 'yes' },
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'HELO client.example', expect: 250 },
        { send: 'MAIL FROM:<alice@client.example>\r\nRCPT TO:<nobody@mx.twinpost.test>\r\n', expect: { code: 554, enhanced: '5.5.0', text: '5.5.0 Error: SMTP protocol synchronization' } },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    queue: 'empty',
  },
};
export default scenario;
