import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Durability of local submission: sendmail works while the mail system is down — postdrop
 * writes maildrop/QID (fsynced, mode 0744) and its trigger to pickup finds nobody. The file is
 * the only copy; when the system comes back, pickup finds it and the mail is delivered.
 * postdrop(1), pickup(8).
 */
const scenario: Scenario = {
  id: 'pickup/maildrop-after-restart',
  title: 'a message submitted while the system is down is picked up after restart',
  description: 'kill -9 of the mail system, sendmail (exit 0: the maildrop file is written), restart: pickup delivers it to nobody.',
  config: { main: {} },
  steps: [
    { kind: 'crash' },
    { kind: 'sendmail', args: ['-f', 'alice@client.example', 'nobody'], message: 'Subject: while down\n\nKept in maildrop.\n' },
    { kind: 'restart' },
    { kind: 'wait', event: { kind: 'removed' }, count: 1, timeoutMs: 90_000 },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'while down' }, bodyIncludes: ['Kept in maildrop.'] }],
    events: [
      { kind: 'other', service: 'pickup', queueId: 'Q1', text: 'uid=0 from=<alice@client.example>' },
      { kind: 'delivery', queueId: 'Q1', to: 'nobody@mx.twinpost.test', origTo: 'nobody', relay: 'local', status: 'sent' },
    ],
    queue: 'empty',
  },
};
export default scenario;
