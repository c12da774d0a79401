/**
 * The scenario format. A scenario is a typed TypeScript object (specs/<service>/<name>.ts):
 * the configuration, the peers (sinks) and their faults, the steps to play, and what must be
 * observed. Written once, it runs unchanged on every target.
 *
 * Why TypeScript and not YAML: the compiler checks every scenario against these types as part
 * of `npm test`, editors complete field names, and matchers can be regular expressions.
 */
import type { MailConfig, TargetName } from '../targets/types.ts';
import type { SinkFault, SinkOptions } from '../sink/types.ts';
import type { EventKind } from '../observe/events.ts';
import type { ProxymapRequest, ProxymapService } from '../clients/proxymap.ts';

/**
 * The matcher for "this field must not be there": e.g. `origTo: ABSENT` for a delivery line
 * without orig_to=. (A field left out of a matcher is not checked at all.)
 */
export const ABSENT: unique symbol = Symbol('absent');

/** A value matcher: exact string/number, a regular expression for strings, or ABSENT. */
export type Match = string | number | boolean | RegExp | typeof ABSENT;

/** What an SMTP reply must look like: "250", 250, "5.7.1", or fields. */
export type ReplyExpect = number | string | { code: number; enhanced?: string; text?: Match };

export type DialogLine =
  /** One command line (CRLF appended) and its expected reply. */
  | { command: string; expect?: ReplyExpect }
  /** Raw bytes written as they are (bare LF, NUL, long lines), then optionally a reply. */
  | { send: string; expect?: ReplyExpect }
  /** Several commands in one write (PIPELINING), one expected reply each. */
  | { pipeline: string[]; expect?: ReplyExpect[] }
  /** DATA, 354, the content (dot-stuffed unless raw), ".", and the final reply. */
  | { data: string; raw?: boolean; expect?: ReplyExpect }
  /** The server must close the connection (after an optional final reply). */
  | { expectClose: true }
  /** Read one more reply without writing (e.g. the second reply to a raw write holding two commands). */
  | { reply: ReplyExpect }
  /** The client drops the connection at once (no QUIT), e.g. in the middle of DATA or BDAT. */
  | { disconnect: true };

export type Step =
  /**
   * An SMTP session with the target's smtpd; `name` labels its transcript in reports.
   * `preGreeting`: bytes written as soon as the connection is up, before the greeting is read.
   * `clientAddress`: the loopback address the client connects from (default 127.0.0.1).
   */
  | { kind: 'smtp'; name?: string; dialog: DialogLine[]; greeting?: ReplyExpect; preGreeting?: string; clientAddress?: string }
  /** Open an SMTP session, play `dialog`, and keep it open until a later `smtp-close` of `name`. */
  | { kind: 'smtp-open'; name: string; dialog: DialogLine[]; greeting?: ReplyExpect }
  /** QUIT and close a session opened by `smtp-open`. */
  | { kind: 'smtp-close'; name: string }
  /**
   * Play an SMTP session again and again (every `intervalMs`, default 250) until every reply
   * matches — e.g. until a rate limit's window has passed — or fail after `timeoutMs`.
   */
  | { kind: 'smtp-until'; name?: string; dialog: DialogLine[]; greeting?: ReplyExpect; timeoutMs?: number; intervalMs?: number }
  /**
   * Check the connections a sink has seen so far (connection caching): their number, the
   * accepted transactions each carried and the address each came from, in order. Waits (up to
   * timeoutMs) until all are closed.
   */
  | { kind: 'sink-connections'; sink: string; count?: number; transactions?: number[]; clientAddresses?: string[]; timeoutMs?: number }
  /**
   * Check how the mail system scheduled its deliveries to a sink (harness/sink/schedule.ts),
   * each figure within a range measured on real Postfix. Waits (up to timeoutMs) until every
   * connection so far is closed.
   */
  | { kind: 'sink-schedule'; sink: string; expect: ScheduleExpect; timeoutMs?: number }
  /** One direct request to the target's private/proxymap (or proxywrite) service. */
  | { kind: 'proxymap'; service?: ProxymapService; request: ProxymapRequest; expect: { status: number; value?: Match; flags?: number } }
  /** Local submission through sendmail. */
  | { kind: 'sendmail'; args: string[]; message: string; expectExit?: number }
  /** Wait for `count` (default 1) maillog events matching `event`, counted from the run's start. */
  | { kind: 'wait'; event: EventMatch; count?: number; timeoutMs?: number }
  /** Wait until a sink has received `messages` accepted messages in total. */
  | { kind: 'wait-sink'; sink: string; messages: number; timeoutMs?: number }
  /** Change a sink: take it down (connection refused), bring it up, replace its faults. */
  | { kind: 'sink'; sink: string; action: 'down' | 'up' | 'faults'; faults?: SinkFault[] }
  /** postqueue -f */
  | { kind: 'flush' }
  /** Wait until the queue (postqueue -j shape) matches, or fail after the timeout. */
  | { kind: 'queue'; expect: QueueExpect; timeoutMs?: number }
  | { kind: 'reload' }
  | { kind: 'crash' }
  | { kind: 'restart' };

/** A number's tolerance: at least `min`, at most `max` (both inclusive; a bound left out is open). */
export interface Range {
  min?: number;
  max?: number;
}

/** The figures of a sink's schedule (harness/sink/schedule.ts ScheduleSummary) a scenario bounds. */
export interface ScheduleExpect {
  /** Connections opened. */
  connections?: Range;
  /** The most connections open at one time. */
  maxConcurrent?: Range;
  /** The most connections open at one time within the first `ms` after the first connection. */
  maxConcurrentWithinMs?: { ms: number; range: Range };
  /** The mean of accepted messages per connection. */
  messagesPerConnection?: Range;
  /** The most accepted messages one connection carried. */
  maxMessagesPerConnection?: Range;
  /** The most recipients one transaction carried. */
  maxRecipientsPerTransaction?: Range;
  /** The shortest time between the starts of two successive transactions (ms). */
  minGapMs?: Range;
  /** Where the first delivery to each recipient came among all accepted transactions (1 = first). */
  positions?: { to: string; range: Range }[];
}

/**
 * Matches a maillog event: its kind plus any fields (after normalisation: queue IDs are Q1, Q2…).
 * A field that must be missing is written `field: ABSENT`; `undefined` is not a matcher.
 */
export type EventMatch = { kind: EventKind } & Record<string, Match>;

export type QueueExpect =
  | 'empty'
  | {
      /** Exact number of queue files. */
      count?: number;
      entries?: { queue_name?: Match; sender?: Match; recipients?: { address: Match; delay_reason?: Match }[] }[];
    };

export interface DeliveryExpect {
  sink: string;
  from: Match;
  to: Match[];
  /** ESMTP parameters that must be present on MAIL FROM (e.g. "SIZE=..." as a RegExp). */
  mailParams?: Match[];
  /** Header fields that must be present (name → value matcher; `true` = present). */
  headers?: Record<string, Match | true>;
  /** Header fields that must be absent. */
  noHeaders?: string[];
  bodyIncludes?: string[];
}

export interface MailboxExpect {
  user: string;
  messages: number;
  headers?: Record<string, Match | true>;
  bodyIncludes?: string[];
}

export interface Expectations {
  /** Messages at sinks, each matched once (order-independent). */
  deliveries?: DeliveryExpect[];
  /** Exact number of accepted messages per sink (default: the number of `deliveries` for it). */
  sinkMessages?: Record<string, number>;
  mailboxes?: MailboxExpect[];
  /** Events that must have been logged (each at least once, or `count` times). */
  events?: (EventMatch & { count?: number })[];
  /** Events that must NOT have been logged. */
  noEvents?: EventMatch[];
  /** The queue at the end. */
  queue?: QueueExpect;
}

/**
 * A known, explained difference between a target and real Postfix: reported, not failed. It
 * covers the differences of one compared item (as a difference names it: "maillog Q1",
 * "sink remote connection 1 message 1", "file nobody"; a trailing "*" covers every item whose
 * name starts with the rest), and, with `what`, only when every changed line — removed
 * (Postfix's) and added (the target's) alike — contains that text or matches that expression.
 */
export interface KnownDivergence {
  target: TargetName;
  item: string;
  what?: string | RegExp;
  reason: string;
}

export interface Scenario {
  /** Stable id, e.g. "smtpd/relay-denied". */
  id: string;
  title: string;
  /** What Postfix does here, in a sentence or two, with the man page that says so. */
  description: string;
  sinks?: Record<string, SinkOptions>;
  config: MailConfig;
  steps: Step[];
  expect: Expectations;
  knownDivergences?: KnownDivergence[];
  /**
   * A private PostgreSQL started before the target (harness/pg) and stopped after it; `sql` is
   * loaded first. Placeholders: {{pg:host}}, {{pg:port}}, {{pg:socket}}, {{pg:user}}, {{pg:dbname}}.
   */
  postgres?: { sql: string };
  /** Targets this scenario is meant for (default: all). */
  targets?: TargetName[];
}
