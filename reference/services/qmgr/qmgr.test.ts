/** qmgr with cleanup, bounce and trivial-rewrite from the reference, and scripted delivery agents. */
import { readFile, stat, utimes, writeFile, chmod } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryAgent, DeliveryOutcome, DeliveryRequest } from '../contracts.ts';
import { readQueueFile } from '../../queue/queue-file.ts';
import { createBounce } from '../bounce/bounce.ts';
import { queueFixture, submitMessage, type QueueFixture } from '../cleanup/testing.ts';
import { createQmgr, type Qmgr } from './qmgr.ts';
import { deliveryOrder } from './resolve.ts';
import { DSN_NOTIFY_FAILURE, DSN_NOTIFY_NEVER, DSN_NOTIFY_SUCCESS } from '../../global/dsn-mask.ts';

let fx: QueueFixture | undefined;
let qmgr: Qmgr | undefined;
afterEach(async () => {
  await qmgr?.stop();
  await fx?.dispose();
  fx = qmgr = undefined;
});

/** An agent whose outcome per recipient is decided by `decide`; it records the requests. */
function scriptedAgent(transport: string, decide: (rcpt: string) => DeliveryOutcome, extra: { destinationFailed?: boolean } = {}) {
  const requests: DeliveryRequest[] = [];
  const contents: string[] = [];
  const agent: DeliveryAgent = {
    transport,
    async deliver(req) {
      requests.push(req);
      contents.push((await readQueueFile(req.queueFile)).content.toString());
      return {
        destinationFailed: extra.destinationFailed,
        recipients: req.recipients.map((r) => {
          const outcome = decide(r.address);
          const text = outcome === 'sent' ? '250 2.0.0 Ok' : outcome === 'bounced' ? 'host x said: 550 5.1.1 no such user (in reply to RCPT TO command)' : 'connect to x: Connection refused';
          return { offset: r.offset, address: r.address, outcome, text, relay: 'x', dsn: outcome === 'sent' ? '2.0.0' : outcome === 'bounced' ? '5.1.1' : '4.4.1',
            ...(outcome === 'bounced' ? { diagType: 'smtp', diagText: '550 5.1.1 no such user', mtaType: 'dns', mtaName: 'x' } : {}) };
        }),
      };
    },
  };
  return { agent, requests, contents };
}

async function setup(main: Record<string, string> = {}) {
  let q: Qmgr | undefined;
  fx = await queueFixture(main, () => q?.wake());
  const bounce = createBounce({ config: fx.config, layout: fx.layout, cleanup: fx.cleanup, logger: fx.logger });
  q = createQmgr({ config: fx.config, layout: fx.layout, rewrite: fx.rewrite, bounce, logger: fx.logger });
  qmgr = q;
  return { fx, qmgr: q };
}

const MSG = 'Received: from x\nSubject: t\n\nbody\n';

describe('qmgr', () => {
  it('saves a queue file that does not parse in corrupt/ and goes on with the others', async () => {
    const { fx, qmgr } = await setup();
    const smtp = scriptedAgent('smtp', () => 'sent');
    qmgr.registerAgent(smtp.agent);
    const bad = 'ABCDE12345';
    const badPath = fx.layout.pathOf('incoming', bad);
    await fx.layout.ensureDirOf('incoming', bad);
    await writeFile(badPath, Buffer.from('this is not a queue file\n'));
    await chmod(badPath, 0o700); // complete, as far as the mode says
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['b@one.test'], MSG);
    await qmgr.idle();
    expect(smtp.requests.map((r) => r.queueId)).toEqual([id]);
    expect((await stat(fx.layout.pathOf('corrupt', bad))).isFile()).toBe(true);
    expect(fx.logger.lines).toContain(`qmgr: warning: saving corrupt file "${bad}" from queue "active" to queue "corrupt"`);
  });

  it('delivers, groups per destination, marks done and removes the file', async () => {
    const { fx, qmgr } = await setup();
    const smtp = scriptedAgent('smtp', () => 'sent');
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['b@one.test', 'c@one.test', 'd@two.test'], MSG);
    await qmgr.idle();
    expect(smtp.requests.map((r) => [r.nexthop, r.recipients.map((x) => x.address)])).toEqual([
      ['one.test', ['b@one.test', 'c@one.test']], ['two.test', ['d@two.test']],
    ]);
    const size = smtp.requests[0].queueFile && (await readFile(fx.layout.pathOf('incoming', id)).catch(() => null));
    expect(size).toBeNull();
    const qlines = fx.logger.lines.filter((l) => l.startsWith('qmgr'));
    expect(qlines[0]).toMatch(new RegExp(`^qmgr: ${id}: from=<a@client\\.test>, size=\\d+, nrcpt=3 \\(queue active\\)$`));
    expect(qlines[1]).toBe(`qmgr: ${id}: removed`);
    expect(await fx.layout.list('active')).toEqual([]);
  });

  it('defers with backoff (mtime = next attempt), keeps the defer log, delivers after flush', async () => {
    const { fx, qmgr } = await setup();
    let up = false;
    const smtp = scriptedAgent('smtp', () => (up ? 'sent' : 'deferred'));
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['b@one.test'], MSG);
    await qmgr.idle();
    const path = fx.layout.pathOf('deferred', id);
    const st = await stat(path);
    expect(st.mtimeMs - Date.now()).toBeGreaterThan(290_000);
    expect(st.mtimeMs - Date.now()).toBeLessThan(301_000);
    const log = await readFile(fx.layout.pathOf('defer', id), 'utf8');
    expect(log).toContain('recipient=b@one.test\n');
    expect(log).toContain('action=delayed\nreason=connect to x: Connection refused\n');
    // a wake-up does not retry before the next-attempt time
    qmgr.wake();
    await qmgr.idle();
    expect(smtp.requests.length).toBe(1);
    up = true;
    qmgr.flush();
    await qmgr.idle();
    expect(smtp.requests.length).toBe(2);
    expect(await fx.layout.list('deferred')).toEqual([]);
    expect(await fx.layout.list('defer')).toEqual([]);
    expect(fx.logger.lines.filter((l) => l.includes('removed'))).toEqual([`qmgr: ${id}: removed`]);
  });

  it('keeps a message whose agent left a recipient without a status: deferred, no defer log, nothing logged', async () => {
    const { fx, qmgr } = await setup();
    const smtp = scriptedAgent('smtp', () => 'sent');
    // the agent answers for one of the two recipients only (local(8) after a failed forward)
    qmgr.registerAgent({ transport: 'smtp', deliver: async (req) => ({ recipients: (await smtp.agent.deliver(req)).recipients.slice(0, 1) }) });
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['b@one.test', 'c@one.test'], MSG);
    await qmgr.idle();
    expect(await fx.layout.list('deferred')).toEqual([id]);
    expect(await fx.layout.list('defer')).toEqual([]);
    expect(fx.logger.lines.filter((l) => l.startsWith('qmgr') && !l.includes('(queue active)'))).toEqual([]);
    expect((await readQueueFile(fx.layout.pathOf('deferred', id))).recipients.map((r) => [r.address, r.done])).toEqual([['b@one.test', true], ['c@one.test', false]]);
  });

  it('bounces: non-delivery notification to the sender as a new message, none for a null sender', async () => {
    const { fx, qmgr } = await setup();
    const smtp = scriptedAgent('smtp', () => 'bounced');
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['bad@one.test'], MSG);
    await qmgr.idle();
    const note = fx.logger.lines.find((l) => l.startsWith('bounce:'));
    const m = note?.match(new RegExp(`^bounce: ${id}: sender non-delivery notification: (\\w+)$`));
    expect(m).toBeTruthy();
    const dsnId = m![1];
    expect(fx.logger.lines.some((l) => new RegExp(`^qmgr: ${dsnId}: from=<>, size=\\d+, nrcpt=1 \\(queue active\\)$`).test(l))).toBe(true);
    expect(smtp.requests[1].sender).toBe('');
    expect(smtp.requests[1].recipients[0].address).toBe('a@client.test');
    const dsn = smtp.contents[1];
    expect(dsn).toMatch(/^Received: by mx\.twinpost\.test \(Postfix\)\n\tid \w+; /);
    expect(dsn).toContain('From: Mail Delivery System <MAILER-DAEMON@mx.twinpost.test>\nSubject: Undelivered Mail Returned to Sender\nTo: a@client.test\nAuto-Submitted: auto-replied\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;\n');
    expect(dsn).toContain('<bad@one.test>: host x said: 550 5.1.1 no such user (in reply to RCPT TO\n    command)\n');
    expect(dsn).toContain(`X-Postfix-Queue-ID: ${id}\nX-Postfix-Sender: rfc822; a@client.test\n`);
    expect(dsn).toContain('Final-Recipient: rfc822; bad@one.test\nOriginal-Recipient: rfc822;bad@one.test\nAction: failed\nStatus: 5.1.1\nRemote-MTA: dns; x\nDiagnostic-Code: smtp; 550 5.1.1 no such user\n');
    expect(dsn).toContain('Return-Path: <a@client.test>\nReceived: from x\nSubject: t\n\nbody\n\n--');
    // The DSN itself bounces: no notification for the null sender.
    expect(fx.logger.lines.filter((l) => l.startsWith('bounce:')).length).toBe(1);
  });

  it('reports a %-hacked recipient as the address trivial-rewrite resolved it to, expanded from the original', async () => {
    const { fx, qmgr } = await setup();
    const smtp = scriptedAgent('smtp', () => 'bounced');
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['bad%one.test@mx.twinpost.test'], MSG);
    await qmgr.idle();
    // the agent was given the resolved address (qmgr_message_resolve())
    expect(smtp.requests[0].recipients.map((r) => r.address)).toEqual(['bad@one.test']);
    const note = fx.logger.lines.find((l) => l.startsWith(`bounce: ${id}: sender non-delivery notification: `));
    expect(note).toBeDefined();
    const dsn = smtp.contents[1];
    expect(dsn).toContain('<bad@one.test> (expanded from <bad%one.test@mx.twinpost.test>): host x said:');
    expect(dsn).toContain('Final-Recipient: rfc822; bad@one.test\nOriginal-Recipient: rfc822;bad%one.test@mx.twinpost.test\n');
  });

  it('expires deferred mail after maximal_queue_lifetime', async () => {
    const { fx, qmgr } = await setup({ maximal_queue_lifetime: '0s' });
    const smtp = scriptedAgent('smtp', (a) => (a === 'a@client.test' ? 'sent' : 'deferred'));
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['slow@one.test'], MSG);
    await qmgr.idle();
    expect(fx.logger.lines).toContain(`qmgr: ${id}: from=<a@client.test>, status=expired, returned to sender`);
    expect(fx.logger.lines.some((l) => new RegExp(`^bounce: ${id}: sender non-delivery notification: \\w+$`).test(l))).toBe(true);
    expect(await fx.layout.list('deferred')).toEqual([]);
  });

  it('recovers files left in active/ at start, due at once even with a future mtime (taken from deferred/)', async () => {
    const { fx, qmgr } = await setup();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['b@one.test'], MSG);
    const path = await fx.layout.move(id, 'incoming', 'active');
    const future = Date.now() / 1000 + 3600;
    await utimes(path, future, future);
    const smtp = scriptedAgent('smtp', () => 'sent');
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    await qmgr.idle();
    expect(smtp.requests.length).toBe(1);
    expect(fx.logger.lines).toContain(`qmgr: ${id}: removed`);
  });

  it('resets the defer log each time it reads the message: only the latest attempt is listed', async () => {
    const { fx, qmgr } = await setup();
    const ok = new Set<string>();
    const smtp = scriptedAgent('smtp', (a) => (ok.has(a) ? 'sent' : 'deferred'));
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitMessage(fx.cleanup, 'a@client.test', ['b@one.test', 'c@two.test'], MSG);
    await qmgr.idle();
    const first = await readFile(fx.layout.pathOf('defer', id), 'utf8');
    expect(first).toContain('recipient=b@one.test\n');
    expect(first).toContain('recipient=c@two.test\n');
    ok.add('b@one.test');
    qmgr.flush();
    await qmgr.idle();
    const second = await readFile(fx.layout.pathOf('defer', id), 'utf8');
    expect(second).not.toContain('recipient=b@one.test\n');
    expect(second.match(/recipient=c@two\.test\n/g)?.length).toBe(1);
  });
});

describe('deliveryOrder (qmgr_message_sort)', () => {
  const r = (address: string, transport = 'smtp', destination = 'x.example') => ({ transport, destination, nexthop: destination, limit: 0, rcpt: { offset: 0, address, origTo: address } });
  it('sorts by transport, destination, domain without case, then the address in internal form', () => {
    const list = [
      r('b@B.example'), r('a@c.example'), r('"x y"@b.example'), r('a@b.example'), r('z@a.example', 'local'), r('a@a.example', 'smtp', 'w.example'),
    ];
    expect(list.sort(deliveryOrder).map((x) => `${x.transport} ${x.destination} ${x.rcpt.address}`)).toEqual([
      'local x.example z@a.example',
      'smtp w.example a@a.example',
      'smtp x.example a@b.example',
      'smtp x.example b@B.example',
      'smtp x.example "x y"@b.example', // x y@b.example in internal form: after b@
      'smtp x.example a@c.example',
    ]);
  });
});

describe('DSN NOTIFY= (trace and bounce flush)', () => {
  /** A message from a@client.test to one recipient with the given NOTIFY bits and MAIL FROM attributes. */
  async function submitWithNotify(fx: QueueFixture, rcpt: string, dsnNotify: number, attributes: Record<string, string> = {}): Promise<string> {
    const h = await fx.cleanup.open('smtpd');
    const reply = await h.submit({ source: 'smtpd', sender: 'a@client.test', content: Buffer.from(MSG), attributes, recipients: [{ address: rcpt, dsnOrcpt: `rfc822;${rcpt}`, dsnNotify }] });
    return reply.queueId;
  }
  const noticeOf = (fx: QueueFixture, id: string, what: string) => fx.logger.lines.find((l) => l.startsWith(`bounce: ${id}: sender ${what} notification: `));

  it('NOTIFY=SUCCESS: the sender gets a success report with the delivery, "delivery via RELAY: text", and ENVID', async () => {
    const { fx, qmgr } = await setup();
    const smtp = scriptedAgent('smtp', () => 'sent');
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitWithNotify(fx, 'b@one.test', DSN_NOTIFY_SUCCESS, { envelope_id: 'env 1' });
    await qmgr.idle();
    expect(noticeOf(fx, id, 'delivery status')).toBeDefined();
    const report = smtp.contents[1]!;
    expect(report).toContain('Subject: Successful Mail Delivery Report\n');
    expect(report).toContain('\n<b@one.test>: delivery via x: 250 2.0.0 Ok\n');
    expect(report).toContain('Reporting-MTA: dns; mx.twinpost.test\nOriginal-Envelope-Id: env 1\nX-Postfix-Queue-ID: ');
    expect(report).toContain('Action: delivered\nStatus: 2.0.0\n');
    expect(smtp.requests[1]!.recipients.map((r) => r.address)).toEqual(['a@client.test']);
  });

  it('no success report when the agent passed NOTIFY=SUCCESS on (a next hop with DSN), nor without NOTIFY=SUCCESS', async () => {
    const { fx, qmgr } = await setup();
    const passedOn: DeliveryAgent = {
      transport: 'smtp',
      async deliver(req) {
        return { recipients: req.recipients.map((r) => ({ offset: r.offset, address: r.address, outcome: 'sent' as const, text: '250 ok', relay: 'x', dsn: '2.0.0', action: 'relayed', dsnNotify: 0 })) };
      },
    };
    qmgr.registerAgent(passedOn);
    await qmgr.start();
    const a = await submitWithNotify(fx, 'b@one.test', DSN_NOTIFY_SUCCESS);
    const b = await submitWithNotify(fx, 'c@one.test', DSN_NOTIFY_FAILURE);
    await qmgr.idle();
    expect(noticeOf(fx, a, 'delivery status')).toBeUndefined();
    expect(noticeOf(fx, b, 'delivery status')).toBeUndefined();
    expect(fx.logger.lines.filter((l) => l.startsWith(`qmgr: ${a}: removed`) || l.startsWith(`qmgr: ${b}: removed`))).toHaveLength(2);
  });

  it('NOTIFY=NEVER: a bounced recipient makes no notice; cleanup still logs the cancelled notice\'s message-id', async () => {
    const { fx, qmgr } = await setup();
    const smtp = scriptedAgent('smtp', () => 'bounced');
    qmgr.registerAgent(smtp.agent);
    await qmgr.start();
    const id = await submitWithNotify(fx, 'b@one.test', DSN_NOTIFY_NEVER);
    await qmgr.idle();
    expect(noticeOf(fx, id, 'non-delivery')).toBeUndefined();
    expect(smtp.requests).toHaveLength(1);
    const ids = fx.logger.lines.map((l) => /^cleanup: (\w+): message-id=/.exec(l)?.[1]).filter((x) => x !== undefined);
    expect(ids).toHaveLength(2);
    expect(ids[1]).not.toBe(id);
    expect(await fx.layout.list('incoming')).toEqual([]);
  });
});
