import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_reject_footer_maps (postconf(5); smtpd_chat.c): a table looked up with the complete
 * 4xx/5xx reply text ("550 5.1.1 <ghost@…>: Recipient address rejected: …"); the footer it
 * finds is added to that reply as smtpd_reject_footer's would be ("\n" starts a new line that
 * repeats the code and status, $client_address and friends are expanded). A reply the table
 * does not find gets smtpd_reject_footer instead; positive replies get no footer. In a regexp
 * table "$$" stands for a "$" (a bare $name there would be taken for a substitution).
 */
const scenario: Scenario = {
  id: 'smtpd/reject-footer-maps',
  title: 'smtpd_reject_footer_maps: a footer chosen by the reply text, smtpd_reject_footer otherwise',
  description: 'An unknown-user rejection gets the table\'s two-line footer with $client_address; an unknown command, which the table does not list, gets smtpd_reject_footer.',
  config: {
    main: {
      smtpd_reject_footer_maps: 'regexp:$config_directory/footers',
      smtpd_reject_footer: 'General help: https://help.example/',
    },
    maps: [{
      name: 'footers',
      content: '/^550 5\\.1\\.1 / Unknown users: https://help.example/users\\nYour address: $$client_address\n',
    }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'FROB', expect: { code: 500, text: '5.5.2 Error: command not recognized\n5.5.2 General help: https://help.example/' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: { code: 250, text: '2.1.0 Ok' } },
        { command: 'RCPT TO:<ghost@mx.twinpost.test>', expect: { code: 550, text: '5.1.1 <ghost@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table\n5.1.1 Unknown users: https://help.example/users\n5.1.1 Your address: 127.0.0.1' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.1.1', text: '<ghost@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' }],
    queue: 'empty',
  },
};
export default scenario;
