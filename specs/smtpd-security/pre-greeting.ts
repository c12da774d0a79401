import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * A client that talks before the greeting (smtpd.c smtpd_proto): smtpd finds input waiting
 * before it sends 220 and logs "improper command pipelining after CONNECT" with the first
 * bytes; with smtpd_forbid_unauth_pipelining = no (3.7.11's default) the session goes on
 * and the early commands are answered in turn after the greeting. With it set to yes the
 * client gets "554 5.5.0 Error: SMTP protocol synchronization" instead of a greeting.
 */
const scenario: Scenario = {
  id: 'smtpd-security/pre-greeting',
  title: 'commands sent before the greeting',
  description: 'Logged as improper pipelining after CONNECT; answered after the greeting.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      preGreeting: 'EHLO early.example\r\nNOOP\r\n',
      dialog: [
        { reply: { code: 250 } },
        { reply: { code: 250, text: '2.0.0 Ok' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'disconnect', count: 1 }],
  },
};
export default scenario;
