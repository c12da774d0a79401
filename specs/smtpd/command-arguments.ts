import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Commands that take no argument refuse one: RSET and DATA with an argument get 501 5.5.4
 * "Syntax: RSET" / "Syntax: DATA", and the session goes on; NOOP takes anything (RFC 5321
 * allows a string). smtpd(8). Added for the mutation campaign: no other scenario gave RSET an
 * argument.
 */
const scenario: Scenario = {
  id: 'smtpd/command-arguments',
  title: 'RSET and DATA with an argument get 501 5.5.4; NOOP with one is fine',
  description: 'RSET x and DATA x are syntax errors (501 5.5.4); NOOP x is 250; the transaction then completes normally.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'RSET now', expect: { code: 501, enhanced: '5.5.4', text: '5.5.4 Syntax: RSET' } },
        { command: 'NOOP now', expect: '250 2.0.0' },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { command: 'DATA now', expect: { code: 501, enhanced: '5.5.4', text: '5.5.4 Syntax: DATA' } },
        { command: 'RSET', expect: '250 2.0.0' },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'disconnect', count: 1 }],
    queue: 'empty',
  },
};
export default scenario;
