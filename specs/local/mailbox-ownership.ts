import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage, withAliases } from '../_shared/builders.ts';

/**
 * strict_mailbox_ownership (postconf(5), default yes; local/mailbox.c): local(8) defers
 * delivery to an mbox file in the spool that is not owned by its recipient ("destination PATH
 * is not owned by recipient", 4.2.0) and warns how to turn the check off. Here the spool is a
 * world-writable directory, and an alias command run as default_privs (nobody) creates a file
 * named after the user daemon that anyone may write, so daemon's mailbox exists, can be
 * opened by daemon, and has the wrong owner.
 */

const scenario: Scenario = {
  id: 'local/mailbox-ownership',
  title: 'strict_mailbox_ownership = yes: a mailbox owned by another user is deferred',
  description: 'An alias command creates daemon\'s spool file as nobody; mail to daemon is then deferred with 4.2.0 and a warning.',
  config: withAliases('squatter: "|cat >/dev/null; touch {{dropDir}}/daemon; chmod 666 {{dropDir}}/daemon"\n', {
    main: { mail_spool_directory: '{{dropDir}}', strict_mailbox_ownership: 'yes' },
  }),
  steps: [
    ...localMessage({ from: '', to: 'squatter@mx.twinpost.test', subject: 'first in' }),
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    ...localMessage({ from: '', to: 'daemon@mx.twinpost.test', subject: 'for daemon' }),
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
