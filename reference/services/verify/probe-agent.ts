/**
 * Address verification probes at the delivery end (Postfix's verify-only delivery mode): a
 * delivery agent wrapped so that a message whose queue file carries trace_flags with
 * DEL_REQ_FLAG_MTA_VRFY is not delivered. For the smtp transport the probe opens a
 * session, sends EHLO, MAIL FROM and RCPT TO, then RSET and QUIT — no DATA — and logs each
 * recipient as smtp(8) does in verify mode: status=deliverable (the RCPT reply) or
 * undeliverable ("host … said: … (in reply to RCPT TO command)"); the result goes to verify(8)
 * with update — unless address_verify_negative_cache = no, when a failed probe is logged as
 * "undeliverable-but-not-cached" and not reported (verify_append()). qmgr then sees the
 * recipients as done and removes the probe. Used by the
 * reference master around its smtp agents; any other request goes to the wrapped agent.
 *
 * Differs from Postfix: a probe's SMTP session is never left in the connection cache (Postfix
 * caches probe sessions as it caches deliveries). No scenario shows it yet.
 */
import { readQueueFile } from '../../queue/queue-file.ts';
import type { DeliveryAgent, DeliveryRecipient, DeliveryRequest, Logger, RecipientStatus } from '../contracts.ts';
import { formatDeliveryLine } from '../../global/log-adhoc.ts';
import { ConnectError, SmtpConnection, type SmtpReply } from '../smtp/client.ts';
import { parseNexthop } from '../smtp/nexthop.ts';
import { DEL_RCPT_STAT_BOUNCE, DEL_RCPT_STAT_DEFER, DEL_RCPT_STAT_OK, type VerifyClient } from './verify.ts';
import { DEL_REQ_FLAG_MTA_VRFY } from '../../global/deliver-request.ts';
import { MAIL_ATTR_TRACE_FLAGS } from '../../global/mail-proto.ts';

export interface ProbeOptions {
  logger: Logger;
  logService: string;
  heloName: string;
  verify: VerifyClient;
  /**
   * address_verify_negative_cache (default: the verify client's, else yes). When off, a failed
   * probe is not reported to verify(8) and is logged "undeliverable-but-not-cached"
   * (verify_append() in Postfix's agents).
   */
  negativeCache?: boolean;
  connectTimeoutMs?: number;
  now?: () => number;
}

const dsnOf = (r: SmtpReply) => /^\d{3}[ -]([245]\.\d{1,3}\.\d{1,3})\b/.exec(r.text)?.[1] ?? `${String(r.code)[0]}.0.0`;

export function withAddressProbes(agent: DeliveryAgent, o: ProbeOptions): DeliveryAgent {
  const now = o.now ?? Date.now;
  async function probe(req: DeliveryRequest, size: number): Promise<RecipientStatus[]> {
    const handoff = now();
    let connected: number | undefined;
    let relay = 'none';
    const out: RecipientStatus[] = [];
    const report = async (r: DeliveryRecipient, ok: boolean, dsn: string, text: string) => {
      const cached = ok || (o.negativeCache ?? o.verify.negativeCache ?? true);
      const status = ok ? 'deliverable' : cached ? 'undeliverable' : 'undeliverable-but-not-cached';
      if (cached) await o.verify.update(r.address, ok ? DEL_RCPT_STAT_OK : dsn.startsWith('5') ? DEL_RCPT_STAT_BOUNCE : DEL_RCPT_STAT_DEFER, text);
      o.logger.info(o.logService, formatDeliveryLine({ queueId: req.queueId, to: r.address, origTo: r.origTo, relay, dsn, status, text, times: { arrival: req.arrivalTime, active: req.activeTime, handoff, connected, done: now() } }));
      out.push({ offset: r.offset, address: r.address, outcome: 'sent', dsn, text, relay });
    };
    const hop = parseNexthop(req.nexthop);
    let conn: SmtpConnection;
    try {
      conn = await SmtpConnection.open(hop.host, hop.port, o.connectTimeoutMs ?? 30_000);
    } catch (err) {
      const text = `connect to ${hop.host}[${hop.host}]:${hop.port}: ${err instanceof ConnectError ? err.reason : (err as Error).message}`;
      for (const r of req.recipients) await report(r, false, '4.4.1', text);
      return out;
    }
    relay = `${hop.host}[${hop.host}]:${hop.port}`;
    const said = (r: SmtpReply, stage: string) => `host ${hop.host}[${hop.host}] said: ${r.text} (in reply to ${stage} command)`;
    try {
      const greeting = await conn.read();
      if (greeting.code !== 220) {
        for (const r of req.recipients) await report(r, false, dsnOf(greeting), `host ${hop.host}[${hop.host}] refused to talk to me: ${greeting.text}`);
        return out;
      }
      conn.write(`EHLO ${o.heloName}\r\n`);
      const ehlo = await conn.read();
      const features = new Set(ehlo.lines.slice(1).map((l) => l.split(' ')[0]!.toUpperCase()));
      connected = now();
      const mailCommand = `MAIL FROM:<${req.sender}>${features.has('SIZE') ? ` SIZE=${size}` : ''}`;
      // With PIPELINING, smtp(8) sends the whole probe at once: MAIL, RCPT…, RSET, QUIT.
      const pipelining = features.has('PIPELINING');
      if (pipelining) conn.write([mailCommand, ...req.recipients.map((r) => `RCPT TO:<${r.address}>`), 'RSET', 'QUIT'].map((c) => `${c}\r\n`).join(''));
      else conn.write(`${mailCommand}\r\n`);
      const mail = await conn.read();
      for (const r of req.recipients) {
        if (mail.code !== 250) {
          if (pipelining) await conn.read();
          await report(r, false, dsnOf(mail), said(mail, 'MAIL FROM'));
          continue;
        }
        if (!pipelining) conn.write(`RCPT TO:<${r.address}>\r\n`);
        const rr = await conn.read();
        if (rr.code >= 200 && rr.code < 300) await report(r, true, dsnOf(rr), rr.text);
        else await report(r, false, dsnOf(rr), said(rr, 'RCPT TO'));
      }
      if (!pipelining) conn.write('RSET\r\n');
      await conn.read();
      if (!pipelining) conn.write('QUIT\r\n');
      await conn.readIgnoringFailure();
    } catch (err) {
      const done = new Set(out.map((x) => x.offset));
      for (const r of req.recipients) if (!done.has(r.offset)) await report(r, false, '4.4.2', `lost connection with ${hop.host}[${hop.host}] while probing: ${(err as Error).message}`);
    } finally {
      conn.close();
    }
    return out;
  }
  return {
    transport: agent.transport,
    async deliver(req) {
      const msg = await readQueueFile(req.queueFile);
      const traced = Number(msg.attributes[MAIL_ATTR_TRACE_FLAGS] ?? 0) | req.flags;
      if (!(traced & DEL_REQ_FLAG_MTA_VRFY)) return agent.deliver(req);
      return { recipients: await probe(req, msg.size.messageSize) };
    },
  };
}
