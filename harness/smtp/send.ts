/**
 * sendMessage(): one whole SMTP submission (EHLO, MAIL, RCPT..., DATA, QUIT) for specs that
 * only need "this message went in", with the replies and the queue ID the server announced.
 */
import { SmtpDialog } from './dialog.ts';
import type { Reply } from './reply.ts';

export interface SendMessageOptions {
  host: string;
  port: number;
  from: string;
  to: string[];
  /** Message content; CRLF-normalised and dot-stuffed on the way out. */
  data: string | Buffer;
  /** EHLO argument; default "client.twinpost.test". HELO is tried when EHLO is refused. */
  helo?: string;
  /** ESMTP parameters for MAIL FROM, e.g. ["BODY=8BITMIME"]. */
  mailParams?: string[];
  timeoutMs?: number;
  localAddress?: string;
}

export interface SendMessageResult {
  /** Every reply in order, the greeting first. */
  replies: Reply[];
  /** True when the end of DATA got a 2xx reply. */
  accepted: boolean;
  /** From "250 2.0.0 Ok: queued as XXXX", when the server said so. */
  queueId?: string;
  transcript: SmtpDialog['transcript'];
}

const ok = (r: Reply) => r.code >= 200 && r.code < 300;

export async function sendMessage(opts: SendMessageOptions): Promise<SendMessageResult> {
  const s = await SmtpDialog.connect(opts);
  const replies: Reply[] = [s.greeting];
  const result = (accepted: boolean): SendMessageResult => ({ replies, accepted, transcript: s.transcript });
  try {
    if (!ok(s.greeting)) return result(false);
    const helo = opts.helo ?? 'client.twinpost.test';
    let hello = await s.command(`EHLO ${helo}`);
    if (hello.code >= 500) {
      replies.push(hello);
      hello = await s.command(`HELO ${helo}`);
    }
    replies.push(hello);
    if (!ok(hello)) return result(false);
    const mail = await s.command(['MAIL FROM:<' + opts.from + '>', ...(opts.mailParams ?? [])].join(' '));
    replies.push(mail);
    if (!ok(mail)) return result(false);
    let anyRcpt = false;
    for (const rcpt of opts.to) {
      const r = await s.command(`RCPT TO:<${rcpt}>`);
      replies.push(r);
      anyRcpt ||= ok(r);
    }
    if (!anyRcpt) return result(false);
    const end = await s.data(opts.data);
    replies.push(end);
    const out = result(ok(end));
    const queueId = /queued as ([0-9A-Za-z]+)/.exec(end.text)?.[1];
    if (queueId !== undefined) out.queueId = queueId;
    return out;
  } finally {
    await s.quit().catch(() => s.close());
  }
}
