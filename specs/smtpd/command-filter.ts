import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_command_filter (postconf(5); smtpd.c smtpd_proto()): each command line, leading blanks
 * skipped, is looked up in one table before smtpd parses it; a result replaces the whole line
 * (regexp $1 substitutions apply), with an info line 'name[addr]: replacing command "…" with
 * "…"'. Here a non-standard "HELLO" becomes HELO, and a bad NOTIFY parameter (which smtpd would
 * answer "501 5.5.4 Error: Bad NOTIFY parameter syntax") is dropped from RCPT TO. Lines the
 * table does not match are left alone.
 */
const scenario: Scenario = {
  id: 'smtpd/command-filter',
  title: 'smtpd_command_filter: command lines rewritten before smtpd reads them',
  description: '"HELLO client.example" is answered as HELO; "RCPT TO:<nobody@…> NOTIFY=SOMETIMES" loses its bad parameter and is accepted; the message is delivered.',
  config: {
    main: { smtpd_command_filter: 'regexp:$config_directory/command_filter' },
    maps: [{
      name: 'command_filter',
      content: '/^HELLO\\s+(.*)$/ HELO $1\n/^(RCPT\\s+TO:<[^>]*>)\\s+NOTIFY=\\S+(.*)$/ $1$2\n',
    }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'HELLO client.example', expect: { code: 250, text: 'mx.twinpost.test' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test> NOTIFY=SOMETIMES', expect: '250 2.1.5' },
        { data: 'Subject: filtered\r\n\r\nHi.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    events: [
      { kind: 'other', service: 'smtpd', text: 'localhost[127.0.0.1]: replacing command "HELLO client.example" with "HELO client.example"' },
      { kind: 'other', service: 'smtpd', text: 'localhost[127.0.0.1]: replacing command "RCPT TO:<nobody@mx.twinpost.test> NOTIFY=SOMETIMES" with "RCPT TO:<nobody@mx.twinpost.test>"' },
      { kind: 'disconnect', raw: / helo=1 mail=1 rcpt=1 data=1 quit=1 commands=5$/ },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'filtered', Received: /^from client\.example \(localhost \[127\.0\.0\.1\]\)/ } }],
    queue: 'empty',
  },
};
export default scenario;
