/**
 * Shared by the connection-cache scenarios (the leading underscore keeps this file out of the
 * scenario list): how a backlog of N messages to one nexthop is built. Each message is
 * submitted while the peer is down, so every one is deferred; then the peer comes up and
 * `postqueue -f` puts them all in the active queue at once. smtp_destination_concurrency_limit
 * = 1 makes the delivery order, and so the connection counts, deterministic.
 */
import type { DialogLine, Step } from '../../harness/scenario/types.ts';
import type { MailConfig } from '../../harness/targets/types.ts';
import { numberedMessage } from '../_shared/builders.ts';

export const BACKLOG = 6;

export function backlogConfig(extra: Record<string, string> = {}): MailConfig {
  return {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      queue_run_delay: '3600s',
      minimal_backoff_time: '3600s',
      maximal_backoff_time: '7200s',
      smtp_destination_concurrency_limit: '1',
      ...extra,
    },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' }],
  };
}

/**
 * Submit n messages, one SMTP session each, each deferred before the next comes: the first
 * delivery attempt finds the peer down and marks the destination dead, so every later message
 * is deferred by qmgr through the retry service ("delivery temporarily suspended") — the same
 * way in every run (submitted in one session, which message smtp(8) tried first and how many it
 * tried depended on timing). Then the peer comes up and `postqueue -f` puts them all in the
 * active queue at once.
 * Observed on real Postfix: qmgr hands the first flushed message to smtp(8) before the rest
 * of the backlog has reached the active queue, so that first delivery is not asked to cache
 * its connection (no CONN_STORE); the remaining n-1 see a backlog.
 */
export function backlogSteps(n = BACKLOG): Step[] {
  const submit: Step[] = [];
  for (let i = 1; i <= n; i++) {
    const dialog = numberedMessage(i, 'backlog');
    submit.push({ kind: 'smtp', name: `backlog message ${i}`, dialog }, { kind: 'wait', event: { kind: 'delivery', status: 'deferred' }, count: i });
  }
  return [
    ...submit,
    // Every message must have reached the deferred queue (not just been logged as deferred)
    // before the flush, or one still in active/ would miss it.
    { kind: 'queue', expect: { count: n, entries: Array.from({ length: n }, (_v, i) => ({ queue_name: 'deferred', recipients: [{ address: `user${i + 1}@remote.example` }] })) } },
    { kind: 'sink', sink: 'remote', action: 'up' },
    { kind: 'flush' },
    { kind: 'wait-sink', sink: 'remote', messages: n },
    { kind: 'wait', event: { kind: 'removed' }, count: n },
  ];
}

export const backlogDeliveries = (n = BACKLOG) => Array.from({ length: n }, (_v, i) => ({ sink: 'remote', from: 'alice@client.example', to: [`user${i + 1}@remote.example`] }));
