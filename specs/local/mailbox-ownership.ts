import type { Scenario, Step } from '../../harness/scenario/types.ts';

/**
 * strict_mailbox_ownership (postconf(5), default yes; local/mailbox.c): local(8) defers
 * delivery to an mbox file in the spool that is not owned by its recipient ("destination PATH
 * is not owned by recipient", 4.2.0) and warns how to turn the check off. Here the spool is a
 * world-writable directory, and an alias command run as default_privs (nobody) creates a file
 * named after the user daemon that anyone may write, so daemon's mailbox exists, can be
 * opened by daemon, and has the wrong owner.
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
  ];
}

const scenario: Scenario = {
  id: 'local/mailbox-ownership',
  title: 'strict_mailbox_ownership = yes: a mailbox owned by another user is deferred',
  description: 'An alias command creates daemon\'s spool file as nobody; mail to daemon is then deferred with 4.2.0 and a warning.',
  config: {
    main: {
      alias_maps: 'lmdb:$config_directory/aliases',
      mail_spool_directory: '{{dropDir}}',
      strict_mailbox_ownership: 'yes',
    },
    maps: [{ name: 'aliases', content: 'squatter: "|cat >/dev/null; touch {{dropDir}}/daemon; chmod 666 {{dropDir}}/daemon"\n', build: 'postalias' }],
  },
  steps: [
    ...message('squatter@mx.twinpost.test', 'first in'),
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    ...message('daemon@mx.twinpost.test', 'for daemon'),
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
  ],
  expect: {
    mailboxes: [{ user: 'drop/daemon', messages: 0 }],
    events: [
      { kind: 'delivery', to: 'squatter@mx.twinpost.test', status: 'sent', text: /^delivered to command: / },
      { kind: 'warning', service: 'local', text: 'specify "strict_mailbox_ownership = no" to ignore mailbox ownership mismatch' },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', status: 'deferred', dsn: '4.2.0', text: /^cannot update mailbox \S+\/daemon for user daemon\. destination \S+\/daemon is not owned by recipient$/ },
    ],
    queue: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'daemon@mx.twinpost.test' }] }] },
  },
};
export default scenario;
