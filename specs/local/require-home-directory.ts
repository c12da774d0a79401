import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage, withAliases } from '../_shared/builders.ts';

/**
 * require_home_directory (postconf(5); local/recipient.c): with "yes", local(8) checks, with the
 * recipient's rights, that a local user's home directory exists before it looks at .forward
 * files or the mailbox; when it cannot be reached the recipient is deferred ("cannot access
 * home directory HOME: REASON", 4.3.0). The user nobody's home, /nonexistent, does not exist,
 * so mail to nobody stays in the queue, where the default (no) delivers it to the spool.
 * An alias to a file is not a local user and is delivered as usual.
 */
const scenario: Scenario = {
  id: 'local/require-home-directory',
  title: 'require_home_directory = yes defers a user without a home directory',
  description: 'Mail to nobody (home /nonexistent) is deferred with 4.3.0; the same message\'s alias to a file is delivered.',
  config: withAliases('tofile: {{dropDir}}/filebox\n', { main: { require_home_directory: 'yes' } }),
  steps: [
    ...localMessage({ from: '', to: ['nobody@mx.twinpost.test', 'tofile@mx.twinpost.test'], subject: 'home needed' }),
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
  ],
  expect: {
    mailboxes: [{ user: 'drop/filebox', messages: 1, headers: { Subject: 'home needed' } }],
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'deferred', dsn: '4.3.0', text: 'cannot access home directory /nonexistent: No such file or directory' },
      { kind: 'delivery', to: 'tofile@mx.twinpost.test', status: 'sent' },
    ],
    queue: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'nobody@mx.twinpost.test' }] }] },
  },
};
export default scenario;
