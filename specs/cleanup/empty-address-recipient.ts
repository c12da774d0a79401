import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * empty_address_recipient (postconf(5); cleanup/cleanup_addr.c, showq/showq.c): the address
 * that stands for the null address. smtpd refuses RCPT TO:<>, but a local submission can name
 * an empty recipient ("<>"); cleanup(8) replaces it with empty_address_recipient, qualified
 * with $myorigin, and the mail is delivered there. The queue listing (postqueue -j, from
 * showq) shows a null envelope sender as empty_address_recipient too.
 */
const scenario: Scenario = {
  id: 'cleanup/empty-address-recipient',
  title: 'empty_address_recipient = nobody: the null recipient and the listed null sender',
  description: 'sendmail to "<>" is delivered to nobody\'s mailbox; a null-sender message held by header_checks is listed with sender "nobody".',
  config: {
    main: {
      empty_address_recipient: 'nobody',
      header_checks: 'regexp:$config_directory/header_checks',
    },
    maps: [{ name: 'header_checks', content: '/^Subject: hold me/ HOLD\n' }],
  },
  steps: [
    { kind: 'sendmail', args: ['-f', 'alice@client.example', '<>'], message: 'Subject: to nobody at all\n\nHi.\n' },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test' } },
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<>', expect: 250 },
        { command: 'RCPT TO:<>', expect: { code: 501, text: /^5\.1\.3 / } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: hold me\r\n\r\nHi.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'hold' }] } },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'to nobody at all' } }],
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', text: 'delivered to mailbox' }],
    queue: { count: 1, entries: [{ queue_name: 'hold', sender: 'nobody', recipients: [{ address: 'nobody@mx.twinpost.test' }] }] },
  },
};
export default scenario;
