/**
 * Load for the throughput benchmarks: `sendLoad` pushes N generated messages of a given size,
 * R recipients each, through C concurrent SMTP sessions (each session sends message after
 * message on one connection: EHLO once, then MAIL/RCPT/DATA per message, QUIT at the end) and
 * records when each message got its 250 after DATA. `watchDeliveries` follows a capture sink
 * and records when the last recipient of each message arrived there. Messages are recognised
 * by their Message-ID, <bench-N@twinpost.test>.
 */
import { SmtpDialog } from '../smtp/dialog.ts';
import type { Endpoint } from '../targets/types.ts';
import type { Sink } from '../sink/index.ts';

export interface LoadOptions {
  messages: number;
  /** Approximate message size in bytes (headers + body). */
  size: number;
  recipients: number;
  sessions: number;
  /** Recipient domain; recipients are r<k>.m<n>@<domain>. */
  domain: (n: number) => string;
  timeoutMs?: number;
}

export interface LoadResult {
  /** performance.now() when sending began. */
  startedAt: number;
  /** performance.now() of each message's 250 after DATA (undefined = not accepted). */
  acceptedAt: (number | undefined)[];
  /** Replies other than 2xx and session failures, for the report (at most a few). */
  errors: string[];
}

export function benchMessageId(n: number): string {
  return `<bench-${n}@twinpost.test>`;
}

export function benchRecipients(n: number, opts: Pick<LoadOptions, 'recipients' | 'domain'>): string[] {
  return Array.from({ length: opts.recipients }, (_, k) => `r${k}.m${n}@${opts.domain(n)}`);
}

/** A message of about `size` bytes: a few headers and 76-column filler lines. */
export function benchMessage(n: number, size: number, to: string[]): string {
  const head = [
    `From: <load@client.twinpost.test>`,
    `To: ${to.map((t) => `<${t}>`).join(', ')}`,
    `Subject: twinpost throughput ${n}`,
    `Message-ID: ${benchMessageId(n)}`,
    `Date: Thu, 01 Jan 2026 00:00:00 +0000`,
    '',
    '',
  ].join('\r\n');
  const line = 'twinpost benchmark filler text 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEF\r\n';
  const lines = Math.max(1, Math.ceil((size - head.length) / line.length));
  return head + line.repeat(lines);
}

export async function sendLoad(endpoint: Endpoint, opts: LoadOptions, onAccepted?: (count: number) => void): Promise<LoadResult> {
  const acceptedAt: (number | undefined)[] = new Array(opts.messages).fill(undefined);
  const errors: string[] = [];
  const startedAt = performance.now();
  let nextMessage = 0;
  let accepted = 0;
  const note = (what: string) => {
    if (errors.length < 8) errors.push(what);
  };

  /** One connection: EHLO, then messages until none are left; throws when it fails. */
  async function connection(): Promise<void> {
    const s = await SmtpDialog.connect({ host: endpoint.host, port: endpoint.port, timeoutMs: opts.timeoutMs ?? 60_000 });
    try {
      if (s.greeting.code !== 220) throw new Error(`greeting: ${s.greeting.code} ${s.greeting.text}`);
      const hello = await s.command('EHLO load.twinpost.test');
      if (hello.code !== 250) throw new Error(`EHLO: ${hello.code} ${hello.text}`);
      while (nextMessage < opts.messages) {
        const n = nextMessage++;
        const to = benchRecipients(n, opts);
        const mail = await s.command('MAIL FROM:<load@client.twinpost.test>');
        if (mail.code !== 250) {
          note(`MAIL: ${mail.code} ${mail.text}`);
          await s.command('RSET');
          continue;
        }
        let rcptOk = 0;
        for (const rcpt of to) {
          const r = await s.command(`RCPT TO:<${rcpt}>`);
          if (r.code === 250) rcptOk++;
          else note(`RCPT: ${r.code} ${r.text}`);
        }
        if (rcptOk === 0) {
          await s.command('RSET');
          continue;
        }
        const end = await s.data(benchMessage(n, opts.size, to));
        if (end.code === 250) {
          acceptedAt[n] = performance.now();
          onAccepted?.(++accepted);
        } else note(`DATA: ${end.code} ${end.text}`);
      }
    } finally {
      await s.quit().catch(() => s.close());
    }
  }

  /** A session reconnects after a failure (the message in flight is lost), at most 3 times. */
  async function session(): Promise<void> {
    for (let attempt = 0; attempt < 4 && nextMessage < opts.messages; attempt++) {
      try {
        return await connection();
      } catch (e) {
        note(`session: ${(e as Error).message}`);
      }
    }
  }

  await Promise.all(Array.from({ length: Math.min(opts.sessions, opts.messages) }, () => session()));
  return { startedAt, acceptedAt, errors };
}

export interface DeliveryWatch {
  /** performance.now() when the last recipient of message n arrived at the sink. */
  deliveredAt: (number | undefined)[];
  /** Resolves when every expected message has all its recipients at the sink; rejects on timeout. */
  done: Promise<void>;
  /** Expect only `n` complete messages (e.g. when fewer were accepted than sent). */
  expect(n: number): void;
}

const MESSAGE_ID = /^Message-ID: <bench-(\d+)@twinpost\.test>/im;

export function watchDeliveries(sink: Sink, messages: number, recipients: number, timeoutMs: number, onDelivered?: (count: number) => void): DeliveryWatch {
  const deliveredAt: (number | undefined)[] = new Array(messages).fill(undefined);
  const got = new Array<number>(messages).fill(0);
  // sink.transactions() lists by connection, so a new arrival may appear anywhere in it.
  const counted = new WeakSet<object>();
  let total = 0;
  let complete = 0;
  let expected = messages;
  const deadline = Date.now() + timeoutMs;

  const take = () => {
    const now = performance.now();
    const txs = sink.transactions();
    total = txs.length;
    for (const t of txs) {
      if (counted.has(t)) continue;
      counted.add(t);
      const m = MESSAGE_ID.exec(t.data?.subarray(0, 4096).toString('latin1') ?? '');
      if (!m) continue;
      const n = Number(m[1]);
      if (n >= messages || got[n]! >= recipients) continue;
      got[n]! += t.rcptTo.length;
      if (got[n]! >= recipients) {
        deliveredAt[n] = now;
        complete++;
      }
    }
    if (complete > 0) onDelivered?.(complete);
  };

  const done = (async () => {
    take();
    while (complete < expected) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out: ${complete} of ${expected} messages delivered to the sink`);
      // The sink's next accepted transaction (event-driven); at least once a second the loop
      // looks again, so a lowered expectation (expect()) is seen without a dangling wait.
      await sink.waitForTransactions(total + 1, Math.min(left, 1000)).catch(() => undefined);
      take();
    }
  })();
  done.catch(() => {});
  return {
    deliveredAt,
    done,
    expect(n: number) {
      expected = n;
    },
  };
}
