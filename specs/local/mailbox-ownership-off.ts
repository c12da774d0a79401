import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage, withAliases } from '../_shared/builders.ts';

/**
 * strict_mailbox_ownership = no (postconf(5); local/mailbox.c): local(8) appends to an mbox
 * file in the spool whatever its owner. The setting of local/mailbox-ownership, with the check
 * off: an alias command run as default_privs (nobody) creates a file named after the user
 * daemon that anyone may write, and daemon's mail is delivered into it without a warning.
 */

const scenario: Scenario = {
  id: 'local/mailbox-ownership-off',
  title: 'strict_mailbox_ownership = no: a mailbox owned by another user is written',
  description: 'An alias command creates daemon\'s spool file as nobody; mail to daemon is appended to it.',
  config: withAliases('squatter: "|cat >/dev/null; touch {{dropDir}}/daemon; chmod 666 {{dropDir}}/daemon"\n', {
    main: { mail_spool_directory: '{{dropDir}}', strict_mailbox_ownership: 'no' },
  }),
  steps: [
    ...localMessage({ from: '', to: 'squatter@mx.twinpost.test', subject: 'first in', removed: 1 }),
    ...localMessage({ from: '', to: 'daemon@mx.twinpost.test', subject: 'for daemon', removed: 1 }),
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
