/** The sink's fault scripts, played against the harness's own SMTP dialog driver. */
import { describe, expect, it } from 'vitest';
import { SmtpDialog, SmtpClosedError, SmtpTimeoutError } from '../smtp/dialog.ts';
import type { Sink } from './sink.ts';
import { useSinks } from './test-fixture.ts';
import type { SinkOptions } from './types.ts';

const fx = useSinks();
const start = (opts?: SinkOptions) => fx.start(opts);
const open = (s: Sink) => fx.open(s);

describe('sink faults', () => {
  it('450 at RCPT for one recipient only, the others accepted in the same pipelined group', async () => {
    const s = await start({ faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 Mailbox busy', recipients: ['Busy@Example.com'] }] });
    const d = await open(s);
    await d.command('EHLO c.example');
    const replies = await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<ok@example.com>', 'RCPT TO:<busy@example.com>', 'DATA']);
    expect(replies.map((r) => r.code)).toEqual([250, 250, 450, 354]);
    expect(replies[2].text).toBe('4.2.0 Mailbox busy');
    expect((await d.sendData('Subject: x\r\n\r\nhi\r\n')).code).toBe(250);
    const [tx] = await s.waitForTransactions(1, 5_000);
    expect(tx.rcptTo).toEqual(['ok@example.com']);
    expect(tx.rejectedRcpts).toEqual([{ address: 'busy@example.com', reply: '450 4.2.0 Mailbox busy' }]);
  });

  it('`times` limits a fault to its first uses, counted across connections', async () => {
    const s = await start({ faults: [{ kind: 'reply', stage: 'mail', reply: '451 4.3.0 Try again', times: 1 }] });
    const first = await open(s);
    await first.command('EHLO c.example');
    expect((await first.command('MAIL FROM:<a@example.com>')).code).toBe(451);
    await first.quit();
    const second = await open(s);
    await second.command('EHLO c.example');
    expect((await second.command('MAIL FROM:<a@example.com>')).code).toBe(250);
    expect(s.connections()[0].transactions).toMatchObject([{ mailFrom: 'a@example.com', accepted: false }]);
  });

  it('554 at connect: only QUIT is accepted afterwards', async () => {
    const s = await start({ faults: [{ kind: 'reply', stage: 'connect', reply: '554 5.3.2 No service here' }] });
    const d = await open(s);
    expect(d.greeting.code).toBe(554);
    expect(d.greeting.enhanced).toBe('5.3.2');
    expect((await d.command('EHLO c.example')).code).toBe(503);
    expect((await d.quit())?.code).toBe(221);
    const [conn] = await s.waitForClosed(1, 5_000);
    expect(conn.closedBy).toBe('client');
  });

  it('421 at a stage closes the connection from the sink side', async () => {
    const s = await start({ faults: [{ kind: 'reply', stage: 'helo', reply: '421 4.3.2 Shutting down' }] });
    const d = await open(s);
    expect((await d.command('EHLO c.example')).code).toBe(421);
    await d.closed;
    const [conn] = await s.waitForClosed(1, 5_000);
    expect(conn.closedBy).toBe('sink');
  });

  it('a 5xx after the final dot: the message is recorded but not accepted', async () => {
    const s = await start({ faults: [{ kind: 'reply', stage: 'dot', reply: '554 5.7.1 Content rejected' }] });
    const d = await open(s);
    await d.command('EHLO c.example');
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']);
    const end = await d.data('Subject: bad\n\nbody\n');
    expect(end.code).toBe(554);
    const tx = s.connections()[0].transactions[0];
    expect(tx).toMatchObject({ accepted: false, dataReply: '554 5.7.1 Content rejected' });
    expect(tx.data!.toString()).toBe('Subject: bad\r\n\r\nbody\r\n');
    const err = await s.waitForTransactions(1, 50).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/waiting for 1 accepted transaction\(s\); it recorded:\n {2}connection #1 .*\n.*MAIL FROM:<a@example\.com> RCPT <b@example\.com> → not accepted \(554 5\.7\.1 Content rejected\)/);
  });

  it('drops the connection mid-DATA after N bytes, once', async () => {
    const s = await start({ faults: [{ kind: 'drop-mid-data', afterBytes: 10, times: 1 }] });
    const d = await open(s);
    await d.command('EHLO c.example');
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']);
    const err = await d.data('Subject: a long enough message\r\n\r\nbody\r\n').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpClosedError);
    expect((err as SmtpClosedError).closed).toBe(true);
    const [conn] = await s.waitForClosed(1, 5_000);
    expect(conn.closedBy).toBe('sink');
    expect(conn.transactions[0].accepted).toBe(false);
    expect(conn.transactions[0].data!.toString()).toBe('Subject: a');
    expect(s.transactions()).toEqual([]);

    const again = await open(s);
    await again.command('EHLO c.example');
    await again.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']);
    expect((await again.data('Subject: retry\r\n\r\nbody\r\n')).code).toBe(250);
    await s.waitForTransactions(1, 5_000);
  });

  it('a client that hangs up mid-DATA leaves a partial, unaccepted transaction closed by the client', async () => {
    const s = await start();
    const d = await open(s);
    await d.command('EHLO c.example');
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>', 'DATA']);
    await d.send('Subject: cut\r\n\r\n..half a li');
    await d.close();
    const [conn] = await s.waitForClosed(1, 5_000);
    expect(conn.closedBy).toBe('client');
    expect(conn.transactions[0].accepted).toBe(false);
    expect(conn.transactions[0].data!.toString()).toBe('Subject: cut\r\n\r\n.half a li');
  });

  it('a slow answer at RCPT: another session is served meanwhile, and the reply comes late', async () => {
    const s = await start({ faults: [{ kind: 'slow', stage: 'rcpt', delayMs: 2_000, times: 1 }] });
    const slow = await open(s);
    await slow.command('EHLO c.example');
    const [mail] = await slow.pipeline(['MAIL FROM:<a@example.com>']);
    expect(mail.code).toBe(250);
    const order: string[] = [];
    const rcpt = slow.command('RCPT TO:<b@example.com>').then((r) => (order.push('slow RCPT'), r));
    const other = await open(s);
    await other.command('EHLO other.example');
    expect((await other.command('NOOP')).code).toBe(250);
    order.push('other NOOP');
    expect((await rcpt).code).toBe(250);
    expect(order).toEqual(['other NOOP', 'slow RCPT']);
  });

  it('a slow greeting makes a short read time out, the greeting arrives later', async () => {
    const s = await start({ faults: [{ kind: 'slow', stage: 'connect', delayMs: 1_000 }] });
    const err = await SmtpDialog.connect({ ...s.endpoint, timeoutMs: 100 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpTimeoutError);
    expect((err as Error).message).toContain('the greeting');
    const d = await open(s);
    expect(d.greeting.code).toBe(220);
  });

  it('down → connection refused → up → accepts again on the same port', async () => {
    const s = await start();
    const port = s.endpoint.port;
    const before = await open(s);
    await s.down();
    await before.closed;
    expect(s.isUp).toBe(false);
    await expect(SmtpDialog.connect(s.endpoint)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await s.up();
    expect(s.endpoint.port).toBe(port);
    const d = await open(s);
    expect(d.greeting.code).toBe(220);
    expect(s.connections().map((c) => c.closedBy)).toEqual(['sink', undefined]);
  });

  it('starts down when asked, with its port already chosen', async () => {
    const s = await start({ down: true });
    expect(s.endpoint.port).toBeGreaterThan(0);
    await expect(SmtpDialog.connect(s.endpoint)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await s.up();
    expect((await open(s)).greeting.code).toBe(220);
  });

  it('setFaults replaces the script on a running sink', async () => {
    const s = await start();
    s.setFaults([{ kind: 'reply', stage: 'data', reply: '452 4.3.1 Insufficient system storage' }]);
    const d = await open(s);
    await d.command('EHLO c.example');
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']);
    expect((await d.data('x')).code).toBe(452);
    s.setFaults([]);
    await d.pipeline(['RSET', 'MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']);
    expect((await d.data('x')).code).toBe(250);
  });
});
