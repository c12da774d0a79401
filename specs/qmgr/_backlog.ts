/**
 * Shared by the qmgr scheduling scenarios (the leading underscore keeps this file out of the
 * scenario list): a backlog of messages to remote.example, each submitted in its own SMTP
 * session while the peer is down and deferred before the next comes, then put in the active
 * queue at once by `postqueue -f` — so that how qmgr schedules them shows in the peer's
 * connections. The route and main.cf are the scenario's; no retry happens during the run.
 */
import type { DialogLine, Scenario, Step } from '../../harness/scenario/types.ts';
import type { MailConfig } from '../../harness/targets/types.ts';
import { NO_RETRY_DURING_RUN, numberedMessage, relayToRemote, routeDomains } from '../_shared/builders.ts';

/** remote.example routed to `transport` (default smtp) with the peer "remote" as nexthop. */
export function backlogRoute(main: Record<string, string> = {}, transport = 'smtp', master: string[] = []): MailConfig {
  return routeDomains({ 'remote.example': `${transport}:{{sink:remote}}` }, { main: { ...NO_RETRY_DURING_RUN, ...main }, master });
}

/** Submit n messages, one session each, each waited for until deferred (the peer is down). */
export function submitDeferred(n: number): Step[] {
  const steps: Step[] = [];
  for (let i = 1; i <= n; i++) {
    const dialog = numberedMessage(i, 'backlog');
    steps.push({ kind: 'smtp', name: `backlog message ${i}`, dialog }, { kind: 'wait', event: { kind: 'delivery', status: 'deferred' }, count: i });
  }
  // Every message must be in deferred/ (not just logged as deferred) before the flush.
  steps.push({ kind: 'queue', expect: { count: n, entries: Array.from({ length: n }, (_v, i) => ({ queue_name: 'deferred', recipients: [{ address: `user${i + 1}@remote.example` }] })) } });
  return steps;
}

/** The peer comes up, the backlog is flushed, and every message is delivered and removed. */
export function flushDelivered(n: number): Step[] {
  return [
    { kind: 'sink', sink: 'remote', action: 'up' },
    { kind: 'flush' },
    { kind: 'wait-sink', sink: 'remote', messages: n },
    { kind: 'wait', event: { kind: 'removed' }, count: n },
  ];
}

export const backlogDeliveries = (n: number) => Array.from({ length: n }, (_v, i) => ({ sink: 'remote', from: 'alice@client.example', to: [`user${i + 1}@remote.example`] }));

/**
 * n messages to remote.example in one SMTP session under a rate delay (`setting`, a main.cf
 * parameter set to 1s): one delivery at a time, so the peer sees 2 connections carrying 1 and
 * n-1 messages (the first alone, the rest on the cached connection of the second).
 */
export function rateDelayScenario(s: { id: string; title: string; setting: string; what: string }, n = 3): Scenario {
  const dialog: DialogLine[] = [{ command: 'EHLO client.example', expect: 250 }];
  for (let i = 1; i <= n; i++) dialog.push(...numberedMessage(i, 'rate').slice(1, -1));
  dialog.push({ command: 'QUIT', expect: 221 });
  return {
    id: s.id,
    title: s.title,
    description: `${n} messages in one session under ${s.what} of 1 s: 2 connections, carrying 1 and ${n - 1} messages.`,
    sinks: { remote: {} },
    config: relayToRemote({ [s.setting]: '1s' }),
    steps: [
      { kind: 'smtp', name: `${n} messages`, dialog },
      { kind: 'wait', event: { kind: 'removed' }, count: n },
      { kind: 'sink-connections', sink: 'remote', count: 2, transactions: [1, n - 1] },
    ],
    expect: {
      deliveries: Array.from({ length: n }, (_v, i) => ({ sink: 'remote', from: 'alice@client.example', to: [`user${i + 1}@remote.example`] })),
      events: [{ kind: 'delivery', status: 'sent', count: n }],
      queue: 'empty',
    },
  };
}
