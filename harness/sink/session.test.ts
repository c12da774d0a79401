/** The sink's SMTP protocol handling: command sequencing, parameters, exact DATA bytes, LMTP. */
import { describe, expect, it } from 'vitest';
import type { SmtpDialog } from '../smtp/dialog.ts';
import { useSinks } from './test-fixture.ts';
import { parsePath } from './session.ts';
import type { SinkOptions } from './types.ts';

const fx = useSinks();

async function session(opts: SinkOptions = {}): Promise<SmtpDialog> {
  await fx.start(opts);
  return fx.open();
}

const codes = (rs: { code: number }[]) => rs.map((r) => r.code);

describe('sink session', () => {
  it('enforces command order and answers NOOP, RSET and unknown commands', async () => {
    const d = await session();
    const replies = await d.pipeline([
      'MAIL FROM:<a@example.com>', // before EHLO
      'EHLO c.example',
      'RCPT TO:<b@example.com>', // before MAIL
      'DATA', // before MAIL
      'MAIL FROM:<a@example.com>',
      'MAIL FROM:<a@example.com>', // nested
      'DATA', // no recipients yet
      'NOOP',
      'VRFY someone',
      'RSET',
      'RCPT TO:<b@example.com>', // transaction was reset
      'MAIL FROM:a@example.com', // no brackets: tolerated
      'RCPT TO:',
    ]);
    expect(codes(replies)).toEqual([503, 250, 503, 503, 250, 503, 554, 250, 502, 250, 503, 250, 501]);
    expect(replies[8].text).toBe('5.5.2 Error: command not recognized');
    const conn = fx.sink.connections()[0];
    expect(conn.commands).toHaveLength(13);
    expect(conn.transactions.map((t) => t.mailFrom)).toEqual(['a@example.com', 'a@example.com']);
  });

  it('accepts XFORWARD only when it announces it, after EHLO, and can be told to refuse it', async () => {
    const plain = await session();
    await plain.command('EHLO c.example');
    expect((await plain.command('XFORWARD NAME=x')).code).toBe(502);
    const d = await session({ extensions: ['XFORWARD NAME ADDR'], faults: [{ kind: 'reply', stage: 'xforward', reply: '421 4.3.0 not now', times: 1 }] });
    expect((await d.command('XFORWARD NAME=x')).code).toBe(503);
    await d.command('EHLO c.example');
    expect((await d.command('XFORWARD NAME=x ADDR=127.0.0.9')).code).toBe(421);
  });

  it('records MAIL parameters and the null sender, and refuses a SIZE over the limit', async () => {
    const d = await session({ extensions: ['PIPELINING', 'SIZE 1000', 'ENHANCEDSTATUSCODES'] });
    await d.command('EHLO c.example');
    const big = await d.command('MAIL FROM:<a@example.com> SIZE=5000');
    expect(big.code).toBe(552);
    const replies = await d.pipeline(['MAIL FROM:<> SIZE=431 BODY=8BITMIME', 'RCPT TO:<b@example.com> NOTIFY=NEVER', 'DATA']);
    expect(codes(replies)).toEqual([250, 250, 354]);
    expect((await d.sendData('x')).code).toBe(250);
    const [tx] = await fx.sink.waitForTransactions(1, 5_000);
    expect(tx.mailFrom).toBe('');
    expect(tx.mailParams).toEqual(['SIZE=431', 'BODY=8BITMIME']);
    expect(tx.rcptTo).toEqual(['b@example.com']);
  });

  it('keeps message bytes exactly: bare LF, NUL, 8-bit, dot-unstuffing, ".\\n" as the end', async () => {
    const d = await session();
    await d.command('EHLO c.example');
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']);
    const raw = Buffer.concat([Buffer.from('a\nb\0c\r\n..d\r\n'), Buffer.from([0xc3, 0xa9, 0x0d, 0x0a])]);
    const end = await d.data(raw, { raw: true, terminator: '.\n' });
    expect(end.code).toBe(250);
    const [tx] = await fx.sink.waitForTransactions(1, 5_000);
    expect(tx.data).toEqual(Buffer.concat([Buffer.from('a\nb\0c\r\n.d\r\n'), Buffer.from([0xc3, 0xa9, 0x0d, 0x0a])]));
  });

  it('handles a message and the next command arriving in one write', async () => {
    const d = await session();
    await d.command('EHLO c.example');
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>', 'DATA']);
    await d.send('Subject: one\r\n\r\nbody\r\n.\r\nMAIL FROM:<c@example.com>\r\nRCPT TO:<d@example.com>\r\nDATA\r\n');
    const replies = [await d.readReply(), await d.readReply(), await d.readReply(), await d.readReply()];
    expect(codes(replies)).toEqual([250, 250, 250, 354]);
    expect((await d.sendData('Subject: two\r\n\r\nbody\r\n')).code).toBe(250);
    const txs = await fx.sink.waitForTransactions(2, 5_000);
    expect(txs.map((t) => t.data!.toString())).toEqual(['Subject: one\r\n\r\nbody\r\n', 'Subject: two\r\n\r\nbody\r\n']);
  });

  it('gives one reply per recipient after DATA when the client spoke LHLO', async () => {
    const d = await session({ faults: [{ kind: 'reply', stage: 'dot', reply: '452 4.2.2 Mailbox full', recipients: ['full@example.com'] }] });
    await d.command('LHLO c.example');
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>', 'RCPT TO:<full@example.com>']);
    const first = await d.data('Subject: lmtp\r\n\r\nx\r\n');
    const second = await d.readReply();
    expect([first.code, second.code]).toEqual([250, 452]);
    const [tx] = await fx.sink.waitForTransactions(1, 5_000);
    expect(tx.dataReply).toMatch(/^250 /);
    expect(fx.sink.connections()[0].heloVerb).toBe('LHLO');
  });

  it('leaves out enhanced status codes when ENHANCEDSTATUSCODES is not announced', async () => {
    const d = await session({ extensions: ['PIPELINING'] });
    const ehlo = await d.command('EHLO c.example');
    expect(ehlo.lines).toEqual(['sink.twinpost.test', 'PIPELINING']);
    const mail = await d.command('MAIL FROM:<a@example.com>');
    expect(mail.raw).toBe('250 Ok\r\n');
  });
});

describe('parsePath', () => {
  it('parses addresses with and without brackets, spaces after the colon, and parameters', () => {
    expect(parsePath('FROM:<a@b> SIZE=1 BODY=7BIT', 'FROM')).toEqual({ address: 'a@b', params: ['SIZE=1', 'BODY=7BIT'] });
    expect(parsePath('from: <>', 'FROM')).toEqual({ address: '', params: [] });
    expect(parsePath('TO:c@d', 'TO')).toEqual({ address: 'c@d', params: [] });
    expect(parsePath('TO <c@d>', 'TO')).toBeUndefined();
  });
});
