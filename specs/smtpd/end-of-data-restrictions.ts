import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_end_of_data_restrictions (postconf(5); smtpd_check.c smtpd_check_eod()): restrictions
 * applied after the client has sent the whole message, before cleanup is told to commit it.
 * A rejection there is the reply to the end of DATA, the message is dropped, and smtpd logs
 * "QID: reject: END-OF-MESSAGE from …" with the queue ID (the file was already open). Here a
 * check_sender_access table refuses one sender; after RSET a message from another sender is
 * delivered. (What follows such a rejection without RSET differs: Postfix 3.7.11 keeps the
 * MAIL and RCPT state, a defect fixed in 3.7.22 — RCPT and DATA without MAIL deliver a second
 * message, DATA right away crashes its smtpd — and the reference resets it as 3.7.22 does;
 * reference/services/smtpd/smtpd.test.ts shows that.)
 */
const scenario: Scenario = {
  id: 'smtpd/end-of-data-restrictions',
  title: 'smtpd_end_of_data_restrictions: a sender refused after the content',
  description: 'spammer@client.example gets through MAIL, RCPT and DATA, and is refused at the final dot (554 5.7.1 from the access table); after RSET, alice@client.example\'s message in the same session is delivered.',
  config: {
    main: { smtpd_end_of_data_restrictions: 'check_sender_access regexp:$config_directory/eod_senders' },
    maps: [{ name: 'eod_senders', content: '/^spammer@/ REJECT not after reading that\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<spammer@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: buy now\r\n\r\nHi.\r\n', expect: { code: 554, text: '5.7.1 <spammer@client.example>: Sender address rejected: not after reading that' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: hello\r\n\r\nHi.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'END-OF-MESSAGE', code: 554, dsn: '5.7.1', text: '<spammer@client.example>: Sender address rejected: not after reading that' },
      { kind: 'disconnect', raw: / ehlo=1 mail=2 rcpt=2 data=1\/2 rset=1 quit=1 commands=8\/9$/ },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'hello' } }],
    queue: 'empty',
  },
};
export default scenario;
