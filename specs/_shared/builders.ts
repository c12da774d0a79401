/**
 * Pieces many scenarios share (not a scenario: a leading "_" keeps this folder out of the
 * suite, harness/scenario/load.ts): the relay of remote.example to the capture peer "remote"
 * through transport_maps (transport(5)), the start of a mail transaction and the one-message
 * SMTP session (RFC 5321 section 3.3: EHLO, MAIL, RCPT, DATA, QUIT), the wait for that message
 * at the peer and its queue file's removal, local(8) delivery through an aliases(5) table, and
 * the settings that keep deferred mail deferred during a run. Each returns plain scenario
 * data, so a scenario built with them is the same object as one written out in full; the
 * scenario files say only what is particular to them.
 */
import type { DialogLine, ReplyExpect, Step } from '../../harness/scenario/types.ts';
import type { MailConfig, MapFile } from '../../harness/targets/types.ts';

/** The capture peer every relayed message goes to, as scenarios name it in `sinks`. */
export const REMOTE_SINK = 'remote';

/** The transport(5) table routing remote.example to the peer "remote". */
const REMOTE_TRANSPORT: MapFile = { name: 'transport', content: `remote.example smtp:{{sink:${REMOTE_SINK}}}\n` };

/**
 * remote.example relayed by smtp(8) to the peer "remote" (transport_maps, a texthash table);
 * `main` adds the scenario's own main.cf parameters, `maps` its other map files (after the
 * transport table).
 */
export function relayToRemote(main: Record<string, string> = {}, maps: MapFile[] = []): MailConfig {
  return {
    main: { transport_maps: 'texthash:$config_directory/transport', ...main },
    maps: [REMOTE_TRANSPORT, ...maps],
  };
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
 * An SMTP session from client.example that sends one message: the `envelope`, DATA with
 * `data` (answered as the usual success unless `dataReply` says otherwise), QUIT.
 */
export function oneMessage(m: OneMessage): Step {
  return {
    kind: 'smtp',
    ...(m.name === undefined ? {} : { name: m.name }),
    dialog: [...envelope(m), { data: m.data, expect: m.dataReply ?? OK }, { command: 'QUIT', expect: CLOSING }],
  };
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
