/**
 * The per-recipient delivery status line (log_adhoc.c), in one place for everyone who logs
 * one: the delivery agents (smtp, local, error, discard, the verify probe agent), qmgr's own
 * deferrals and report-all.ts. As Postfix's log_adhoc() writes it:
 *
 *   QID: to=<rcpt>, orig_to=<orig>, relay=R, delay=D, delays=a/b/c/d, dsn=X.Y.Z, status=S (text)
 *
 * orig_to appears only when it differs from to (case-insensitively). Delays are formatted like
 * Postfix's format_tv(): two significant digits, at most delay_logging_resolution_limit
 * decimals, large values rounded to whole seconds. The caller logs the line through postlogd.
 */

/** Format a duration in seconds like Postfix (sig = 2 significant digits, maxDecimals = 2). */
export function formatDelay(seconds: number, maxDecimals = 2, sig = 2): string {
  const MILLION = 1_000_000;
  let total = Math.max(0, Math.round(seconds * MILLION));
  let sec = Math.floor(total / MILLION);
  let usec = total % MILLION;
  const wid = 10 ** sig;
  let ures = MILLION / 10 ** maxDecimals;
  if (ures < MILLION) {
    if (sec > 0) {
      let n = 1;
      while (sec >= n && n <= wid / 10) n *= 10;
      ures = (MILLION / wid) * n;
    } else {
      while (usec >= wid * ures) ures *= 10;
    }
  }
  if (ures > 1) {
    usec += Math.floor(ures / 2);
    if (usec >= MILLION) {
      sec += 1;
      usec -= MILLION;
    }
  }
  let out = String(sec);
  if (usec >= ures) {
    out += '.';
    let rem = usec;
    for (let n = MILLION / 10; rem >= ures && n > 0; n = Math.floor(n / 10)) {
      out += String(Math.floor(rem / n));
      rem %= n;
    }
  }
  return out;
}

/** Time stamps (ms since the epoch) that make up the delays=a/b/c/d breakdown. */
export interface DeliveryTimes {
  /** Message arrival (queue file creation). */
  arrival: number;
  /** qmgr moved the message to active/. */
  active?: number;
  /** The delivery agent received the request. */
  handoff?: number;
  /** Connection set up (network agents only). */
  connected?: number;
  /** Delivery done (defaults to now). */
  done: number;
}

export interface DeliveryLogEntry {
  queueId: string;
  to: string;
  origTo?: string;
  relay: string;
  dsn: string;
  status: string;
  text: string;
  times: DeliveryTimes;
  /** Which use of its SMTP connection this delivery was (1 = a new connection; logged from 2 on). */
  connUse?: number;
}

const secs = (a: number, b: number): number => Math.max(0, (a - b) / 1000);

/** The log text (without the syslog prefix). */
export function formatDeliveryLine(e: DeliveryLogEntry): string {
  const t = e.times;
  const delay = secs(t.done, t.arrival);
  let p = 0, a = 0, s = 0, x = 0;
  if (t.active !== undefined) {
    p = secs(t.active, t.arrival);
    if (t.handoff !== undefined) {
      a = secs(t.handoff, t.active);
      if (t.connected !== undefined) {
        s = secs(t.connected, t.handoff);
        x = secs(t.done, t.connected);
      } else {
        x = secs(t.done, t.handoff);
      }
    } else {
      a = secs(t.done, t.active);
    }
  } else {
    p = delay;
  }
  let line = `${e.queueId}: to=<${e.to}>`;
  if (e.origTo && e.origTo.toLowerCase() !== e.to.toLowerCase()) line += `, orig_to=<${e.origTo}>`;
  line += `, relay=${e.relay}`;
  // log_adhoc(): ", conn_use=N" when the session was used before (reuse_count + 1)
  if (e.connUse !== undefined && e.connUse > 1) line += `, conn_use=${e.connUse}`;
  line += `, delay=${formatDelay(delay)}, delays=${[p, a, s, x].map((v) => formatDelay(v)).join('/')}`;
  line += `, dsn=${e.dsn}, status=${e.status} (${e.text})`;
  return line;
}
