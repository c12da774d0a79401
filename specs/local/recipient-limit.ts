import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, RCPT_ACCEPTED } from '../_shared/builders.ts';

/**
 * local_destination_recipient_limit (postconf(5); qmgr(8), local/local.c): qmgr hands local(8)
 * at most this many recipients per delivery request (default 1). With a limit of 2 both
 * recipients of the message arrive in one request, and local(8) still expands each of them on
 * its own: its duplicate filter (each mailbox, file, command and .forward file once) starts
 * afresh for every request recipient, so two aliases of one user in one request leave two
 * copies in the mailbox, each logged with its own orig_to=.
 */
const scenario: Scenario = {
  id: 'local/recipient-limit',
  title: 'local_destination_recipient_limit = 2: two aliases of one user in one request, two copies',
  description: 'Two aliases of nobody in one message: one delivery request, the duplicate filter is per recipient, two copies in the mailbox.',
  config: {
    main: {
      alias_maps: 'lmdb:$config_directory/aliases',
      local_destination_recipient_limit: '2',
    },
    maps: [{ name: 'aliases', content: 'first: nobody\nsecond: nobody\n', build: 'postalias' }],
  },
  steps: [
    oneMessage({ to: ['first@mx.twinpost.test', 'second@mx.twinpost.test'], rcptReply: RCPT_ACCEPTED, data: 'Subject: two aliases\r\n\r\nHi.\r\n' }),
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 2, headers: { Subject: 'two aliases' } }],
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', origTo: 'first@mx.twinpost.test', status: 'sent', count: 1 },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', origTo: 'second@mx.twinpost.test', status: 'sent', count: 1 },
    ],
    queue: 'empty',
  },
};
export default scenario;
