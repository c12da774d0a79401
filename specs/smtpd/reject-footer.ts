import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_reject_footer (postconf(5); smtpd_chat.c, smtp_reply_footer.c): text appended to every
 * 4xx and 5xx reply smtpd sends, after the reply's own text. Each "\n" in it starts a new reply
 * line, which repeats the reply code and the enhanced status code (when the reply has one);
 * $server_name, $client (name[address]), $client_address, $helo_name and $sender are expanded,
 * each expanded value filtered through smtpd_expansion_filter (characters not in it become "_":
 * here the dot and the brackets are left out, so 127.0.0.1 shows as 127_0_0_1,
 * localhost[127.0.0.1] as localhost_127_0_0_1_ and client.example as client_example). The
 * footer is not logged: the "reject:" line shows the reply without it. Positive replies get no
 * footer.
 */
const scenario: Scenario = {
  id: 'smtpd/reject-footer',
  title: 'smtpd_reject_footer: a two-line footer with $name expansions on every 4xx/5xx reply',
  description: 'A syntax error without status code, an unknown command and an unknown local recipient each get the footer lines; the accepted commands do not.',
  config: {
    main: {
      smtpd_reject_footer: 'Help: https://help.example/ for $client_address ($client)\\nServer $server_name, helo=$helo_name, sender=$sender',
      smtpd_expansion_filter: 'abcdefghijklmnopqrstuvwxyz0123456789@-:/',
    },
  },
  steps: [
    {
      kind: 'smtp', name: 'footer',
      dialog: [
        { command: 'HELO', expect: { code: 501, text: 'Syntax: HELO hostname\nHelp: https://help.example/ for 127_0_0_1 (localhost_127_0_0_1_)\nServer mx_twinpost_test, helo=, sender=' } },
        { command: 'EHLO client.example', expect: 250 },
        { command: 'FROB', expect: { code: 500, text: '5.5.2 Error: command not recognized\n5.5.2 Help: https://help.example/ for 127_0_0_1 (localhost_127_0_0_1_)\n5.5.2 Server mx_twinpost_test, helo=client_example, sender=' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nosuchuser@mx.twinpost.test>', expect: { code: 550, text: '5.1.1 <nosuchuser@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table\n5.1.1 Help: https://help.example/ for 127_0_0_1 (localhost_127_0_0_1_)\n5.1.1 Server mx_twinpost_test, helo=client_example, sender=alice@client_example' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.1.1', text: '<nosuchuser@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' }],
    queue: 'empty',
  },
};
export default scenario;
