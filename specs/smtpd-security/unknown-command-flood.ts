import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Floods of junk commands. Unknown commands count as errors, so a flood of them ends at
 * smtpd_hard_error_limit with "421 4.7.0 <myhostname> Error: too many errors". Commands that
 * succeed but do nothing (NOOP, RSET, HELO/EHLO, VRFY, ETRN) are counted against
 * smtpd_junk_command_limit: each one past the limit counts as an error too, so a NOOP flood
 * also ends with 421 (EHLO counts toward the junk limit as well). Both floods are pipelined, as
 * an abusive client would send them; the 421 comes before smtpd reads the next command.
 */
const unknown = { code: 500, text: '5.5.2 Error: command not recognized' };
const ok = { code: 250, text: '2.0.0 Ok' };
const tooMany = { code: 421, text: '4.7.0 mx.twinpost.test Error: too many errors' };

const scenario: Scenario = {
  id: 'smtpd-security/unknown-command-flood',
  title: 'unknown-command and NOOP floods end at smtpd_hard_error_limit',
  description: 'Five unknown commands reach a hard limit of 5; with smtpd_junk_command_limit 3, NOOPs past the third count as errors until the same limit.',
  config: { main: { smtpd_hard_error_limit: '5', smtpd_soft_error_limit: '100', smtpd_junk_command_limit: '3' } },
  steps: [
    {
      kind: 'smtp',
      name: 'unknown commands',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { pipeline: ['FOO', 'BAR', 'BAZ', 'QUX', 'QUUX'], expect: [unknown, unknown, unknown, unknown, unknown] },
        { command: 'NOOP', expect: tooMany },
        { expectClose: true },
      ],
    },
    {
      kind: 'smtp',
      name: 'NOOP flood',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { pipeline: Array(8).fill('NOOP'), expect: Array(8).fill(ok) },
        { command: 'NOOP', expect: tooMany },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
  ],
  expect: {
    events: [{ kind: 'too-many-errors', count: 2 }],
    queue: 'empty',
  },
};
export default scenario;
