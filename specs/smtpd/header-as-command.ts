import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * A client that sends message headers where a command belongs (an open proxy relaying a web
 * form, say): smtpd(8) recognises a "Name:" token as a header (is_header()), logs "non-SMTP
 * command" and hangs up with 221 2.7.0 "Error: I can break rules, too. Goodbye.". A word that
 * is not a header label (no colon) is an unknown command (500 5.5.2) and the session goes on.
 * What follows the colon does not matter ("Subject:x hello" is a header too). A verb that does
 * not start with a letter matches smtpd_forbidden_commands' default regexp and ends the session
 * the same way; the warning shows the line through escape(), 8-bit bytes as octal (\303\204).
 * Added for the mutation campaign: no other scenario sent a header label as a command.
 */
const GOODBYE = { code: 221, enhanced: '2.7.0', text: '2.7.0 Error: I can break rules, too. Goodbye.' };

const scenario: Scenario = {
  id: 'smtpd/header-as-command',
  title: 'a header line sent as a command ends the session with 221 2.7.0',
  description: 'Subject:, Subject:x and X: as commands get 221 2.7.0 and a close, as does an 8-bit verb (logged with octal escapes); "Subject hello" is an unknown command (500 5.5.2).',
  config: { main: {} },
  steps: [
    { kind: 'smtp', name: 'subject', dialog: [{ command: 'EHLO client.example', expect: 250 }, { command: 'Subject: hello', expect: GOODBYE }, { expectClose: true }] },
    { kind: 'smtp', name: 'one letter', dialog: [{ command: 'X: y', expect: GOODBYE }, { expectClose: true }] },
    { kind: 'smtp', name: 'no colon', dialog: [{ command: 'Subject hello', expect: 500 }, { command: 'QUIT', expect: 221 }] },
    { kind: 'smtp', name: 'text after the colon', dialog: [{ command: 'Subject:x hello', expect: GOODBYE }, { expectClose: true }] },
    { kind: 'smtp', name: '8-bit verb', dialog: [{ command: '\u00c4rger: \u00fcber\tall', expect: GOODBYE }, { expectClose: true }] },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 5 },
  ],
  expect: {
    events: [
      { kind: 'warning', text: 'non-SMTP command from localhost[127.0.0.1]: Subject:x hello' },
      { kind: 'warning', text: 'non-SMTP command from localhost[127.0.0.1]: \\303\\204rger: \\303\\274ber\\tall' },
    ],
    queue: 'empty',
  },
};
export default scenario;
