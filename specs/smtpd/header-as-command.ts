import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * A client that sends message headers where a command belongs (an open proxy relaying a web
 * form, say): smtpd(8) recognises a "Name:" token as a header (is_header()), logs "non-SMTP
 * command" and hangs up with 221 2.7.0 "Error: I can break rules, too. Goodbye.". A word that
 * is not a header label (no colon) is an unknown command (500 5.5.2) and the session goes on.
 * Added for the mutation campaign: no other scenario sent a header label as a command.
 * Left out because the reference differs from Postfix there (reported, not fixed here):
 * "Subject:x hello" (Postfix: a header, 221; the reference: 500), and the escaping of 8-bit
 * bytes in the "non-SMTP command" warning (Postfix: \303\204; the reference: Ã\x84).
 */
const GOODBYE = { code: 221, enhanced: '2.7.0', text: '2.7.0 Error: I can break rules, too. Goodbye.' };

const scenario: Scenario = {
  id: 'smtpd/header-as-command',
  title: 'a header line sent as a command ends the session with 221 2.7.0',
  description: 'Subject: and X: as commands get 221 2.7.0 and a close; "Subject hello" is an unknown command (500 5.5.2).',
  config: { main: {} },
  steps: [
    { kind: 'smtp', name: 'subject', dialog: [{ command: 'EHLO client.example', expect: 250 }, { command: 'Subject: hello', expect: GOODBYE }, { expectClose: true }] },
    { kind: 'smtp', name: 'one letter', dialog: [{ command: 'X: y', expect: GOODBYE }, { expectClose: true }] },
    { kind: 'smtp', name: 'no colon', dialog: [{ command: 'Subject hello', expect: 500 }, { command: 'QUIT', expect: 221 }] },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 3 },
  ],
  expect: {
    queue: 'empty',
  },
};
export default scenario;
