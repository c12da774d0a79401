/**
 * Shared by the qmgr scheduling scenarios (the leading underscore keeps this file out of the
 * scenario list): a burst of N messages to one relay destination, all in qmgr's active queue at
 * once. The messages are submitted while the peer is down, so the first attempts find the
 * connection refused and qmgr marks the destination dead; every message ends up deferred.
 * Then the peer comes up and `postqueue -f` (which also revives dead destinations: qmgr(8)'s
 * flush request) moves the whole backlog into the active queue, and qmgr schedules it as one
 * burst: the start of every scheduling scenario is the same, whatever the speed of submission.
 */
import type { DialogLine, Step } from '../../harness/scenario/types.ts';
import type { MailConfig } from '../../harness/targets/types.ts';
import { NO_RETRY_DURING_RUN, REMOTE_SINK, routeDomains } from '../_shared/builders.ts';

/** RFC 5321 section 4.2.2: 250 completed, 221 closing, 354 start mail input (DATA's reply is checked by the harness). */
const OK = 250;
const CLOSING = 221;

/** How many messages one submission session carries (RFC 5321 section 3.3 lets one session hold many transactions). */
const MESSAGES_PER_SESSION = 20;

/** The recipient of burst message `i` (1-based) at remote.example, or at `domain`. */
export function burstRecipient(i: number, domain = 'remote.example'): string {
  return `user${i}@${domain}`;
}

/**
 * remote.example relayed to the peer "remote" through `transport` (default smtp; another name
 * must have its master.cf line in `master`), with no retry during the run and the scenario's
 * own main.cf parameters.
 */
export function burstConfig(main: Record<string, string> = {}, o: { transport?: string; master?: string[] } = {}): MailConfig {
  const config: MailConfig = { main: { ...NO_RETRY_DURING_RUN, ...main }, ...(o.master ? { master: o.master } : {}) };
  return routeDomains({ 'remote.example': `${o.transport ?? 'smtp'}:{{sink:${REMOTE_SINK}}}` }, config);
}

/** The SMTP sessions that submit messages `first`..`last`, MESSAGES_PER_SESSION to a session, each to `recipients(i)`. */
export function submitSessions(first: number, last: number, recipients: (i: number) => string[] = (i) => [burstRecipient(i)]): Step[] {
  const steps: Step[] = [];
  for (let start = first; start <= last; start += MESSAGES_PER_SESSION) {
    const dialog: DialogLine[] = [{ command: 'EHLO client.example', expect: OK }];
    for (let i = start; i <= Math.min(last, start + MESSAGES_PER_SESSION - 1); i++) {
      dialog.push(
        { command: 'MAIL FROM:<alice@client.example>', expect: OK },
        ...recipients(i).map((r) => ({ command: `RCPT TO:<${r}>`, expect: OK })),
        { data: `Subject: burst ${i}\r\n\r\nmessage ${i}\r\n`, expect: OK },
      );
    }
    dialog.push({ command: 'QUIT', expect: CLOSING });
    steps.push({ kind: 'smtp', name: `messages ${start}-${Math.min(last, start + MESSAGES_PER_SESSION - 1)}`, dialog });
  }
  return steps;
}

/**
 * Submit n messages (one recipient each unless `recipients` says otherwise) while the peer
 * "remote" is down, wait until all n are in the deferred queue, bring the peer up and flush:
 * the backlog enters the active queue at once.
 */
export function flushedBacklog(n: number, recipients: (i: number) => string[] = (i) => [burstRecipient(i)]): Step[] {
  // Each message by its first recipient: every one must be in deferred/ (a message still in
  // active/ would miss the flush).
  const deferred = Array.from({ length: n }, (_v, i) => ({ queue_name: 'deferred', recipients: [{ address: recipients(i + 1)[0]! }] }));
  return [
    ...submitSessions(1, n, recipients),
    { kind: 'queue', expect: { count: n, entries: deferred }, timeoutMs: 30_000 },
    { kind: 'sink', sink: REMOTE_SINK, action: 'up' },
    { kind: 'flush' },
  ];
}

/**
 * flushedBacklog(), then wait until the peer has accepted `deliveries` transactions (default
 * n) and every queue file is removed.
 */
export function burstSteps(n: number, o: { recipients?: (i: number) => string[]; deliveries?: number; timeoutMs?: number } = {}): Step[] {
  const timeout = o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs };
  return [
    ...flushedBacklog(n, o.recipients),
    { kind: 'wait-sink', sink: REMOTE_SINK, messages: o.deliveries ?? n, ...timeout },
    { kind: 'wait', event: { kind: 'removed' }, count: n, ...timeout },
  ];
}
