/**
 * Probes in verify-only mode against a capture sink: EHLO, MAIL, RCPT, RSET, QUIT and no DATA;
 * deliverable / undeliverable log lines as Postfix's; the results reach verify. A message
 * without trace_flags goes to the wrapped agent.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { withAddressProbes } from './probe-agent.ts';
import { createVerify, memoryStore, type VerifyParams } from './verify.ts';
import { checkUnverified } from './smtpd-check.ts';
import { writeTestQueueFile } from '../master/test-queue.ts';
import { createSink, type Sink } from '../../../harness/sink/index.ts';
import type { DeliveryAgent } from '../contracts.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';
import { DEL_REQ_FLAG_MTA_VRFY } from '../../global/deliver-request.ts';

const params: VerifyParams = { positiveExpire: 1e6, negativeExpire: 1e6, positiveRefresh: 1e5, negativeRefresh: 1e5, negativeCache: true };
let dir: string;
let sink: Sink;
beforeEach(async () => {
  dir = scratchDir('probe');
  sink = await createSink({ faults: [{ kind: 'reply', stage: 'rcpt', recipients: ['bad@v.example'], reply: '550 5.1.1 <bad@v.example>: no such user' }] });
});
afterEach(async () => {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('address probes', () => {
  it('probe without DATA, log deliverable/undeliverable, update verify', async () => {
    const lines: string[] = [];
    const logger = { info: (_s: string, t: string) => void lines.push(t), warning: () => undefined, fatal: () => undefined };
    const store = memoryStore();
    const verify = createVerify({ params, store, sendProbe: () => undefined });
    const inner: DeliveryAgent = { transport: 'smtp', deliver: async () => { throw new Error('must not deliver a probe'); } };
    const agent = withAddressProbes(inner, { logger, logService: 'smtp', heloName: 'mx.example', verify });
    const req = await writeTestQueueFile(dir, { sender: 'double-bounce@mx.example', recipients: [{ address: 'good@v.example' }, { address: 'bad@v.example' }], content: '', attributes: { trace_flags: String(DEL_REQ_FLAG_MTA_VRFY) } }, 'smtp', sink.relay);
    const res = await agent.deliver(req);
    expect(res.recipients.map((r) => r.outcome)).toEqual(['sent', 'sent']);
    await sink.waitForClosed(1, 5000);
    const conn = sink.connections()[0]!;
    expect(conn.commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'MAIL', 'RCPT', 'RCPT', 'RSET', 'QUIT']);
    expect(sink.transactions()).toHaveLength(0);
    expect(lines[0]).toMatch(/: to=<good@v\.example>, relay=127\.0\.0\.1\[127\.0\.0\.1\]:\d+, delay=[\d.]+, delays=[\d./]+, dsn=2\.\d\.\d, status=deliverable \(250 /);
    expect(lines[1]).toMatch(/dsn=5\.1\.1, status=undeliverable \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 550 5\.1\.1 <bad@v\.example>: no such user \(in reply to RCPT TO command\)\)$/);
    expect((await verify.query('good@v.example')).recipientStatus).toBe(0);
    const bad = await verify.query('bad@v.example');
    expect(bad.recipientStatus).toBe(2);
    const check = { verify, pollCount: 1, pollDelayMs: 0, rejectCode: 550, deferCode: 450 };
    expect(await checkUnverified(check, 'good@v.example', 'Recipient')).toBe('dunno');
    expect(await checkUnverified(check, 'bad@v.example', 'Recipient')).toEqual({ reply: `550 5.1.1 <bad@v.example>: Recipient address rejected: undeliverable address: ${bad.reason}` });
    // a 4xx reject code words it as "unverified" (real Postfix: specs/verify/probe-sender)
    expect(await checkUnverified({ ...check, rejectCode: 450 }, 'bad@v.example', 'Recipient')).toEqual({ reply: `450 4.1.1 <bad@v.example>: Recipient address rejected: unverified address: ${bad.reason}` });
    // a 2xx code lets the address pass
    expect(await checkUnverified({ ...check, rejectCode: 250 }, 'bad@v.example', 'Recipient')).toBe('dunno');
    // a sender's status code ends in 1.7 (real Postfix: specs/smtpd/reject-unverified-sender)
    expect(await checkUnverified(check, 'bad@v.example', 'Sender')).toEqual({ reply: `550 5.1.7 <bad@v.example>: Sender address rejected: undeliverable address: ${bad.reason}` });
    expect(await checkUnverified({ ...check, rejectCode: 450 }, 'bad@v.example', 'Sender')).toEqual({ reply: `450 4.1.7 <bad@v.example>: Sender address rejected: unverified address: ${bad.reason}` });
    expect(await checkUnverified(check, 'new@v.example', 'Recipient')).toEqual({ reply: '450 4.1.1 <new@v.example>: Recipient address rejected: unverified address: Address verification in progress' });
  });

  it('with address_verify_negative_cache = no, a failed probe is logged but not cached', async () => {
    const lines: string[] = [];
    const logger = { info: (_s: string, t: string) => void lines.push(t), warning: () => undefined, fatal: () => undefined };
    const verify = createVerify({ params, store: memoryStore(), sendProbe: () => undefined });
    const inner: DeliveryAgent = { transport: 'smtp', deliver: async () => { throw new Error('must not deliver a probe'); } };
    const agent = withAddressProbes(inner, { logger, logService: 'smtp', heloName: 'mx.example', verify, negativeCache: false });
    const req = await writeTestQueueFile(dir, { sender: 'double-bounce@mx.example', recipients: [{ address: 'good@v.example' }, { address: 'bad@v.example' }], content: '', attributes: { trace_flags: String(DEL_REQ_FLAG_MTA_VRFY) } }, 'smtp', sink.relay);
    await agent.deliver(req);
    expect(lines[0]).toMatch(/status=deliverable \(250 /);
    expect(lines[1]).toMatch(/dsn=5\.1\.1, status=undeliverable-but-not-cached \(host 127\.0\.0\.1\[127\.0\.0\.1\] said: 550 /);
    expect((await verify.query('good@v.example')).recipientStatus).toBe(0);
    // never reported: still unknown, so the next query starts another probe
    expect((await verify.query('bad@v.example')).recipientStatus).toBe(3);
  });

  it('passes ordinary mail to the wrapped agent', async () => {
    const seen: string[] = [];
    const inner: DeliveryAgent = { transport: 'smtp', deliver: async (r) => (seen.push(r.queueId), { recipients: [] }) };
    const agent = withAddressProbes(inner, { logger: { info: () => undefined, warning: () => undefined, fatal: () => undefined }, logService: 'smtp', heloName: 'h', verify: createVerify({ params, sendProbe: () => undefined }) });
    const req = await writeTestQueueFile(dir, { sender: 'a@b', recipients: [{ address: 'c@d' }], content: 'Subject: x\n\nbody\n' }, 'smtp', sink.relay);
    await agent.deliver(req);
    expect(seen).toEqual([req.queueId]);
  });
});
