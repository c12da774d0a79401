/**
 * Pieces many scenarios share (not a scenario: a leading "_" keeps this folder out of the
 * suite, harness/scenario/load.ts): the relay of remote.example to the capture peer "remote"
 * through transport_maps (transport(5)), or of several domains each to its own transport and
 * peer, the start of a mail transaction and the one-message SMTP session (RFC 5321 section
 * 3.3: EHLO, MAIL, RCPT, DATA, QUIT) and its end (DATA, QUIT), a message to one such domain
 * or to local users with the waits for their delivery lines, the waits for each recipient's
 * delivery line, for smtpd's disconnect and a delivery, and for a message at the peer and its
 * queue file's removal, local(8) delivery through an aliases(5) table, and the settings that
 * keep deferred mail deferred during a run. Each returns plain scenario data, so a scenario
 * built with them is the same object as one written out in full; the scenario files say only
 * what is particular to them.
 */
import type { DialogLine, ReplyExpect, Step } from '../../harness/scenario/types.ts';
import type { MailConfig, MapFile } from '../../harness/targets/types.ts';

/** The capture peer every relayed message goes to, as scenarios name it in `sinks`. */
export const REMOTE_SINK = 'remote';

/**
 * Mail for each domain of `routes` sent where its value says: transport_maps names a texthash
 * table (transport(5)) with one "domain transport:nexthop" line a domain, in the order given,
 * e.g. { 'a.example': 'slow:{{sink:remote}}' } for the master.cf service "slow". `config` is
 * the scenario's own configuration: transport_maps comes before its main.cf parameters and the
 * transport table before its map files; its master.cf lines are kept where they stand.
 */
export function routeDomains(routes: Readonly<Record<string, string>>, config: MailConfig = { main: {} }): MailConfig {
  const table = Object.entries(routes).map(([domain, route]) => `${domain} ${route}\n`).join('');
  return {
    ...config,
    main: { transport_maps: 'texthash:$config_directory/transport', ...config.main },
    maps: [{ name: 'transport', content: table }, ...(config.maps ?? [])],
  };
}

/**
 * remote.example relayed by smtp(8) to the peer "remote" (transport_maps, a texthash table);
 * `main` adds the scenario's own main.cf parameters, `maps` its other map files (after the
 * transport table).
 */
export function relayToRemote(main: Record<string, string> = {}, maps: MapFile[] = []): MailConfig {
  return routeDomains({ 'remote.example': `smtp:{{sink:${REMOTE_SINK}}}` }, { main, maps });
}

/**
 * Local delivery with alias expansion (alias_maps, an lmdb table built by postalias) added to
 * `config`: `aliases` is the table's text; alias_maps comes before the other main.cf
 * parameters and the aliases table before the other map files.
 */
export function withAliases(aliases: string, config: MailConfig = { main: {} }): MailConfig {
  return {
    ...config,
    main: { alias_maps: 'lmdb:$config_directory/aliases', ...config.main },
    maps: [{ name: 'aliases', content: aliases, build: 'postalias' }, ...(config.maps ?? [])],
  };
}

/** One message in one SMTP session; every field but `data` has a default. */
export interface OneMessage {
  /** The session's label in reports. */
  name?: string;
  /** The envelope sender (default alice@client.example). */
  from?: string;
  /** ESMTP parameters after MAIL FROM's address (RFC 5321 section 4.1.1.2), e.g. "BODY=8BITMIME". */
  params?: string;
  /** The recipients, one RCPT each (default bob@remote.example). */
  to?: string | string[];
  /** The reply every RCPT must get (default 250). */
  rcptReply?: ReplyExpect;
  /** The message content, dot-stuffed by the harness. */
  data: string;
  /** The reply to the end of data (default 250). */
  dataReply?: ReplyExpect;
}

/** The envelope sender of `oneMessage` when none is given. */
const DEFAULT_FROM = 'alice@client.example';
/** The recipient of `oneMessage` when none is given: a remote.example address, relayed. */
const DEFAULT_TO = 'bob@remote.example';
/** RFC 5321 section 4.2.2: 250 completed, 221 closing. */
const OK = 250;
const CLOSING = 221;

/** The envelope part of a session: who sends, to whom, and the reply each RCPT must get. */
export type Envelope = Pick<OneMessage, 'from' | 'params' | 'to' | 'rcptReply'>;

/**
 * The start of a mail transaction from client.example: EHLO, MAIL FROM with `from` (and
 * `params`), one RCPT TO per recipient — each answered as the usual success unless `rcptReply`
 * says otherwise. The rest of the dialog is the scenario's own.
 */
export function envelope(e: Envelope = {}): DialogLine[] {
  const recipients = typeof e.to === 'string' ? [e.to] : (e.to ?? [DEFAULT_TO]);
  const mailArgs = e.params === undefined ? '' : ` ${e.params}`;
  return [
    { command: 'EHLO client.example', expect: OK },
    { command: `MAIL FROM:<${e.from ?? DEFAULT_FROM}>${mailArgs}`, expect: OK },
    ...recipients.map((rcpt) => ({ command: `RCPT TO:<${rcpt}>`, expect: e.rcptReply ?? OK })),
  ];
}

/**
 * The end of a session that sends one message once the envelope is given (RFC 5321 section
 * 3.3): DATA with `data`, answered as the usual success unless `dataReply` says otherwise,
 * then QUIT.
 */
export function dataThenQuit(data: string, dataReply: ReplyExpect = OK): DialogLine[] {
  return [{ data, expect: dataReply }, { command: 'QUIT', expect: CLOSING }];
}

/**
 * Message number i of a series, as one session's dialog: alice@client.example to
 * user<i>@remote.example, "Subject: <subject> <i>" and the body "message <i>", then QUIT.
 */
export function numberedMessage(i: number, subject: string): DialogLine[] {
  return [...envelope({ to: `user${i}@remote.example` }), ...dataThenQuit(`Subject: ${subject} ${i}\r\n\r\nmessage ${i}\r\n`)];
}

/**
 * An SMTP session from client.example that sends one message: the `envelope`, DATA with
 * `data` (answered as the usual success unless `dataReply` says otherwise), QUIT.
 */
export function oneMessage(m: OneMessage): Step {
  return {
    kind: 'smtp',
    ...(m.name === undefined ? {} : { name: m.name }),
    dialog: [...envelope(m), ...dataThenQuit(m.data, m.dataReply)],
  };
}

/**
 * Wait for the line that logs each recipient's delivery, in order, whatever its status: where
 * a message's recipients go to separate delivery agent processes (local(8) takes one recipient
 * a request), the scenario waits for every one before it looks at the queue.
 */
export function awaitDeliveries(recipients: readonly string[]): Step[] {
  return recipients.map((to) => ({ kind: 'wait', event: { kind: 'delivery', to } }));
}

/**
 * Wait until smtpd has logged the end of the session ("disconnect from"), then until `to`'s
 * delivery is logged as sent: what a scenario about smtpd's own log lines waits for before
 * its expectations are checked.
 */
export function awaitDisconnectAndDelivery(to: string): Step[] {
  return [
    { kind: 'wait', event: { kind: 'disconnect' } },
    { kind: 'wait', event: { kind: 'delivery', to, status: 'sent' } },
  ];
}

/** What a message to a routed domain says when the scenario says nothing else. */
const DEFAULT_BODY = 'hello';

/**
 * One message to bob@DOMAIN (a domain of `routeDomains`) in a session labelled DOMAIN, with
 * "Subject: to DOMAIN" and `body` (default "hello"), from `from` (default
 * alice@client.example; "" for the null sender), then a wait for the line that logs its
 * delivery attempt, whatever its status (smtp(8) logs one a recipient, sent, deferred or
 * bounced).
 */
export function messageToDomain(domain: string, m: { from?: string; body?: string } = {}): Step[] {
  const to = `bob@${domain}`;
  return [
    oneMessage({ name: domain, from: m.from, to, data: `Subject: to ${domain}\r\n\r\n${m.body ?? DEFAULT_BODY}\r\n` }),
    { kind: 'wait', event: { kind: 'delivery', to } },
  ];
}

/**
 * smtpd's reply to an accepted RCPT TO, with its enhanced status (RFC 3463 section 3.2,
 * X.1.5 "destination address valid"; smtpd answers "250 2.1.5 Ok").
 */
export const RCPT_ACCEPTED = '250 2.1.5';

/** One message to local users: see `localMessage`. */
export interface LocalMessage {
  /** The envelope sender (default alice@client.example; "" for the null sender). */
  from?: string;
  /** The recipients, one RCPT each, every one answered `RCPT_ACCEPTED`. */
  to: string | string[];
  /** The Subject: of the message, and the session's label in reports. */
  subject: string;
  /** When given, a last wait until this many queue files have been removed in all. */
  removed?: number;
}

/**
 * One message to local users in a session labelled with its subject: each RCPT must get
 * `RCPT_ACCEPTED`, the content is "Subject: SUBJECT" and "Hi.", then a wait for each
 * recipient's delivery line (local(8) logs one a recipient, whatever its status) and, with
 * `removed`, for that many removed queue files.
 */
export function localMessage(m: LocalMessage): Step[] {
  const recipients = typeof m.to === 'string' ? [m.to] : m.to;
  return [
    oneMessage({ name: m.subject, from: m.from, to: recipients, rcptReply: RCPT_ACCEPTED, data: `Subject: ${m.subject}\r\n\r\nHi.\r\n` }),
    ...awaitDeliveries(recipients),
    ...(m.removed === undefined ? [] : [{ kind: 'wait', event: { kind: 'removed' }, count: m.removed } satisfies Step]),
  ];
}

/**
 * Wait until the peer "remote" has received `messages` messages in all, then until `removed`
 * queue files have been removed (default as many as messages; the wait's count is left out
 * when it is 1, the wait's own default).
 */
export function awaitRelayed(messages = 1, removed = messages): Step[] {
  return [
    { kind: 'wait-sink', sink: REMOTE_SINK, messages },
    { kind: 'wait', event: { kind: 'removed' }, ...(removed === 1 ? {} : { count: removed }) },
  ];
}

/**
 * main.cf settings that keep deferred mail deferred for the length of a scenario: no queue
 * run and no retry within the hour (queue_run_delay, minimal_backoff_time,
 * maximal_backoff_time), so only a flush, ETRN or the scenario's own steps deliver it.
 */
export const NO_RETRY_DURING_RUN: Readonly<Record<string, string>> = {
  queue_run_delay: '3600s',
  minimal_backoff_time: '3600s',
  maximal_backoff_time: '7200s',
};
