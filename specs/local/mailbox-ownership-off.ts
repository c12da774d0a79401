import type { Scenario, Step } from '../../harness/scenario/types.ts';

/**
 * strict_mailbox_ownership = no (postconf(5); local/mailbox.c): local(8) appends to an mbox
 * file in the spool whatever its owner. The setting of local/mailbox-ownership, with the check
 * off: an alias command run as default_privs (nobody) creates a file named after the user
 * daemon that anyone may write, and daemon's mail is delivered into it without a warning.
 */

/** One null-sender message to RCPT, waited for until local(8) has logged it. */
function message(rcpt: string, subject: string): Step[] {
  return [
    {
      kind: 'smtp',
      name: subject,
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<>', expect: 250 },
        { command: `RCPT TO:<${rcpt}>`, expect: '250 2.1.5' },
        { data: `Subject: ${subject}\r\n\r\nHi.\r\n`, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: rcpt } },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
  ];
}

const scenario: Scenario = {
  id: 'local/mailbox-ownership-off',
  title: 'strict_mailbox_ownership = no: a mailbox owned by another user is written',
  description: 'An alias command creates daemon\'s spool file as nobody; mail to daemon is appended to it.',
  config: {
    main: {
      alias_maps: 'lmdb:$config_directory/aliases',
      mail_spool_directory: '{{dropDir}}',
      strict_mailbox_ownership: 'no',
    },
    maps: [{ name: 'aliases', content: 'squatter: "|cat >/dev/null; touch {{dropDir}}/daemon; chmod 666 {{dropDir}}/daemon"\n', build: 'postalias' }],
  },
  steps: [
    ...message('squatter@mx.twinpost.test', 'first in'),
    ...message('daemon@mx.twinpost.test', 'for daemon'),
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    mailboxes: [{ user: 'drop/daemon', messages: 1, headers: { Subject: 'for daemon', 'Delivered-To': 'daemon@mx.twinpost.test' } }],
    events: [
      { kind: 'delivery', to: 'squatter@mx.twinpost.test', status: 'sent', text: /^delivered to command: / },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', status: 'sent', text: 'delivered to mailbox' },
    ],
    noEvents: [{ kind: 'warning' }],
    queue: 'empty',
  },
};
export default scenario;
