/** The sink driven by real clients: Postfix's smtp-source and swaks. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { useSinks } from './test-fixture.ts';
import { headerValue, parseMessage } from './message.ts';

const run = promisify(execFile);
const fx = useSinks();

describe('sink with smtp-source', () => {
  it('records three messages on one reused connection (-d)', async () => {
    const sink = await fx.start();
    await run('smtp-source', [
      '-m', '3', '-s', '1', '-d', '-M', 'source.example',
      '-f', 'sender@source.example', '-t', 'rcpt@dest.example', `127.0.0.1:${sink.endpoint.port}`,
    ], { timeout: 20_000 });
    const txs = await sink.waitForTransactions(3, 10_000);
    const [conn] = await sink.waitForClosed(1, 10_000);
    expect(sink.connections()).toHaveLength(1);
    expect(conn.helo).toBe('source.example');
    expect(conn.remoteAddress).toBe('127.0.0.1');
    expect(conn.transactions).toHaveLength(3);
    expect(conn.commands.at(-1)).toBe('QUIT');
    expect(conn.closedBy).toBe('client');
    for (const tx of txs) {
      expect(tx).toMatchObject({ mailFrom: 'sender@source.example', mailParams: [], rcptTo: ['rcpt@dest.example'], accepted: true });
      expect(tx.dataReply).toMatch(/^250 2\.0\.0 Ok: queued as [0-9A-F]{10}$/);
      const msg = parseMessage(tx.data!);
      expect(headerValue(msg, 'From')).toBe('<sender@source.example>');
      expect(headerValue(msg, 'To')).toBe('<rcpt@dest.example>');
      expect(msg.body).toContain('La de da de da 1.\r\n');
    }
    expect(new Set(txs.map((t) => t.dataReply)).size).toBe(3);
  });

  it('sees one connection per message without -d', async () => {
    const sink = await fx.start({ host: '127.0.0.2' });
    await run('smtp-source', ['-m', '2', '-s', '1', '-f', 'a@x.example', '-t', 'b@y.example', `127.0.0.2:${sink.endpoint.port}`], {
      timeout: 20_000,
    });
    await sink.waitForTransactions(2, 10_000);
    const conns = await sink.waitForClosed(2, 10_000);
    expect(conns.map((c) => c.transactions.length)).toEqual([1, 1]);
    expect(sink.relay).toBe(`[127.0.0.2]:${sink.endpoint.port}`);
  });
});

describe('sink with swaks', () => {
  it('records the exact envelope and dot-unstuffed bytes of a pipelined transaction', async () => {
    const sink = await fx.start();
    const { stdout } = await run('swaks', [
      '--server', `127.0.0.1:${sink.endpoint.port}`, '--ehlo', 'client.example', '--pipeline',
      '--from', 'alice@a.example', '--to', 'bob@b.example,carol@c.example',
      '--data', 'Subject: test\\n\\n.leading dot\\nlast line',
    ], { timeout: 20_000 });
    // swaks wrote MAIL, both RCPTs and DATA before it read the first of their replies.
    expect(stdout).toMatch(/-> MAIL FROM:<alice@a\.example>\n -> RCPT TO:<bob@b\.example>\n -> RCPT TO:<carol@c\.example>\n -> DATA\n<- {2}250/);
    const [tx] = await sink.waitForTransactions(1, 10_000);
    expect(tx.mailFrom).toBe('alice@a.example');
    expect(tx.rcptTo).toEqual(['bob@b.example', 'carol@c.example']);
    expect(tx.data!.toString('latin1')).toBe('Subject: test\r\n\r\n.leading dot\r\nlast line\r\n');
    const [conn] = await sink.waitForClosed(1, 10_000);
    expect(conn.heloVerb).toBe('EHLO');
    expect(conn.helo).toBe('client.example');
    expect(conn.commandBatches).toContainEqual(['MAIL FROM:<alice@a.example>', 'RCPT TO:<bob@b.example>', 'RCPT TO:<carol@c.example>', 'DATA']);
  });

  it('answers HELO without extensions and records the null sender', async () => {
    const sink = await fx.start();
    const { stdout } = await run('swaks', [
      '--server', `127.0.0.1:${sink.endpoint.port}`, '--helo', 'old.example', '--protocol', 'SMTP',
      '--from', '<>', '--to', 'x@y.example', '--quit-after', 'RCPT',
    ], { timeout: 20_000 });
    expect(stdout).toContain('<-  250 sink.twinpost.test');
    const [conn] = await sink.waitForClosed(1, 10_000);
    expect(conn.heloVerb).toBe('HELO');
    expect(conn.transactions[0]).toMatchObject({ mailFrom: '', rcptTo: ['x@y.example'], accepted: false });
    expect(sink.transactions()).toEqual([]);
  });
});
