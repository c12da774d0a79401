import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd's error counters (smtpd_proto()): every refused command, unknown command or syntax
 * error counts one error; from smtpd_soft_error_limit errors on each error reply waits
 * smtpd_error_sleep_time first, and at smtpd_hard_error_limit errors smtpd answers
 * "421 4.7.0 <myhostname> Error: too many errors" before reading the next command, logs "too
 * many errors after <last command>" and hangs up. Successful commands do not reset the count.
 */
const unknown = { code: 500, text: '5.5.2 Error: command not recognized' };

const scenario: Scenario = {
  id: 'smtpd-security/error-limit',
  title: 'smtpd_hard_error_limit ends the session with 421 4.7.0 too many errors',
  description: 'With soft limit 2 and hard limit 4, the fourth error is followed by 421 4.7.0 and a close; NOOPs in between do not help.',
  config: { main: { smtpd_soft_error_limit: '2', smtpd_hard_error_limit: '4', smtpd_error_sleep_time: '1s' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'BOGUS one', expect: unknown },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 503, text: '5.5.1 Error: need MAIL command' } },
        { command: 'NOOP', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> FOO', expect: { code: 555, text: '5.5.4 Unsupported option: FOO' } },
        { command: 'NOOP', expect: 250 },
        { command: 'BOGUS two', expect: unknown },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'too-many-errors', count: 1 }],
    queue: 'empty',
  },
};
export default scenario;
