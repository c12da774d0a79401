/**
 * Capture SMTP peers ("sinks"): what they record and the faults they can be told to play.
 * A sink stands for a remote mail server; the mail system under test delivers to it.
 */

export interface SinkTransaction {
  /** MAIL FROM address without brackets ("" for the null sender). */
  mailFrom: string;
  /** ESMTP parameters after the MAIL FROM address, e.g. ["SIZE=431", "BODY=8BITMIME"]. */
  mailParams: string[];
  /** Accepted recipients (addresses without brackets), in order. */
  rcptTo: string[];
  /** Recipients the sink refused, with the reply it gave. */
  rejectedRcpts: { address: string; reply: string }[];
  /** The exact message bytes between DATA's 354 and the final ".", dot-unstuffed, CRLF kept. */
  data?: Buffer;
  /** The final reply the sink gave to the end of DATA (e.g. "250 2.0.0 Ok"), if any. */
  dataReply?: string;
  /** True when the message was accepted (2xx after the end of DATA). */
  accepted: boolean;
  /** When MAIL FROM arrived (Date.now()), for the schedule of deliveries (schedule.ts). */
  startedAt?: number;
  /** When the sink gave its final reply to the end of DATA. */
  endedAt?: number;
}

export interface SinkConnection {
  id: number;
  remoteAddress: string;
  remotePort: number;
  /** The EHLO/HELO argument, and which verb was used. */
  helo?: string;
  heloVerb?: 'EHLO' | 'HELO' | 'LHLO';
  /** Every MAIL FROM started on this connection, accepted or not, in order. */
  transactions: SinkTransaction[];
  /** Every command line received (without CRLF), for transcripts. */
  commands: string[];
  /**
   * The same commands grouped by the read they arrived in: a group the client pipelined
   * (e.g. MAIL, RCPT, DATA written at once) shows up as one batch of several commands.
   */
  commandBatches?: string[][];
  /** The TLS protocol after a successful STARTTLS (e.g. "TLSv1.3"). */
  tlsProtocol?: string;
  closedBy?: 'client' | 'sink';
  openedAt: number;
  closedAt?: number;
}

/** SMTP stages a fault can target. "connect" = the greeting; "xforward" = each XFORWARD command. */
export type SmtpStage = 'connect' | 'helo' | 'xforward' | 'mail' | 'rcpt' | 'data' | 'dot' | 'rset' | 'quit';

export type SinkFault =
  /** Answer `reply` (e.g. "450 4.2.0 Try later") at `stage`, optionally only for these recipients. */
  | { kind: 'reply'; stage: SmtpStage; reply: string; recipients?: string[]; times?: number }
  /** Close the connection after receiving `afterBytes` of message data (mid-DATA). */
  | { kind: 'drop-mid-data'; afterBytes?: number; times?: number }
  /** Wait `delayMs` before answering at `stage`. */
  | { kind: 'slow'; stage: SmtpStage; delayMs: number; times?: number };

export interface SinkOptions {
  /** Loopback address to listen on (127.0.0.x); default 127.0.0.1. */
  host?: string;
  /** Port; 0 = any free port. */
  port?: number;
  /** Greeting hostname. */
  hostname?: string;
  /** Start down (connection refused) until up() is called. */
  down?: boolean;
  faults?: SinkFault[];
  /** ESMTP extensions announced; default PIPELINING, SIZE, 8BITMIME, ENHANCEDSTATUSCODES, SMTPUTF8. */
  extensions?: string[];
  /** Offer STARTTLS with this key and certificate (PEM). */
  tls?: { key: string | Buffer; cert: string | Buffer };
}
