import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * A client that goes quiet: after smtpd_timeout (here 2 s) without a command, smtpd(8) answers
 * 421 4.4.2 "Error: timeout exceeded", closes the connection and logs "timeout after EHLO".
 * Added for the mutation campaign: no other scenario lets smtpd's read time out, so a reference
 * that ignored the timeout passed them all.
 */
const scenario: Scenario = {
  id: 'smtpd/idle-timeout',
  title: 'an idle client is dropped after smtpd_timeout with 421 4.4.2',
  description: 'EHLO, then nothing: 2 s later smtpd replies 421 4.4.2 Error: timeout exceeded, closes, and logs timeout after EHLO.',
  config: { main: { smtpd_timeout: '2s' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'timeout', after: 'EHLO', client: 'localhost[127.0.0.1]' },
      { kind: 'disconnect', count: 1 },
    ],
    queue: 'empty',
  },
};
export default scenario;
