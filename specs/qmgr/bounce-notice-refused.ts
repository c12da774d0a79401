import type { Scenario } from '../../harness/scenario/types.ts';
import { NO_RETRY_DURING_RUN } from '../_shared/builders.ts';

/**
 * A non-delivery notice that cannot be posted keeps its bounce log (qmgr_active.c: the bounce
 * log is flushed with abounce_flush(); bounce(8) removes it only after the notice was queued).
 * Submitted with sendmail (smtpd would refuse him at RCPT), bob@remote.example bounces at once
 * (transport error:), so qmgr writes bounce/QID with
 * "action=failed" for him; the notice goes to the sender alice@client.example, which
 * virtual_alias_maps expands into two addresses, over virtual_alias_expansion_limit = 1, so
 * cleanup refuses the notice for now ("unreasonable virtual_alias_maps map expansion size …
 * try again later"). The message stays in the deferred queue and bounce/QID stays with it.
 * qmgr(8), bounce(8), cleanup(8) virtual_alias_expansion_limit.
 */
const scenario: Scenario = {
  id: 'qmgr/bounce-notice-refused',
  title: 'a bounce notice cleanup refuses: the bounce log and the message stay',
  description: 'bob@remote.example bounces through error:; the notice to alice@client.example is refused by cleanup (virtual alias expansion over the limit), so the message waits in deferred/ with its bounce log (action=failed).',
  config: {
    main: {
      ...NO_RETRY_DURING_RUN,
      transport_maps: 'texthash:$config_directory/transport',
      virtual_alias_maps: 'texthash:$config_directory/virtual',
      virtual_alias_expansion_limit: '1',
    },
    maps: [
      { name: 'transport', content: 'remote.example error:5.1.1 no such user here\n' },
      { name: 'virtual', content: 'alice@client.example alice1@client.example, alice2@client.example\n' },
    ],
  },
  steps: [
    { kind: 'sendmail', args: ['-f', 'alice@client.example', 'bob@remote.example'], message: 'From: alice@client.example\nSubject: refused notice\n\nHi.\n' },
    { kind: 'wait', event: { kind: 'delivery', to: 'bob@remote.example', status: 'bounced' } },
    { kind: 'wait', event: { kind: 'warning', service: 'cleanup', text: /unreasonable virtual_alias_maps map expansion size/ } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
  ],
  expect: {
    events: [{ kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', status: 'bounced' }],
    noEvents: [{ kind: 'removed', queueId: 'Q1' }],
    mailboxes: [],
    queue: { count: 1, entries: [{ queue_name: 'deferred', sender: 'alice@client.example' }] },
  },
};
export default scenario;
