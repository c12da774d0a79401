/**
 * The sink as the peer of real Postfix's smtp(8) client: a private Postfix instance relays
 * to the sink (relayhost), pipelining MAIL/RCPT/DATA; one recipient gets a 450 from the sink.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { PostfixTarget } from '../targets/postfix/postfix-target.ts';
import { SmtpDialog } from '../smtp/dialog.ts';
import { createSink, type Sink } from './sink.ts';

let target: PostfixTarget | undefined;
let sink: Sink | undefined;

afterEach(async () => {
  await target?.dispose();
  await sink?.close();
  target = undefined;
  sink = undefined;
});

describe('sink fed by real Postfix smtp(8)', () => {
  it('takes a pipelined transaction, refusing one recipient with 450, and Postfix defers only that one', async () => {
    sink = await createSink({ faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 Mailbox busy', recipients: ['busy@remote.example'] }] });
    target = new PostfixTarget();
    await target.start({ main: { relayhost: sink.relay } });

    const s = await SmtpDialog.connect({ ...target.smtp, timeoutMs: 10_000 });
    try {
      await s.command('EHLO client.example');
      const replies = await s.pipeline(['MAIL FROM:<alice@client.example>', 'RCPT TO:<ok@remote.example>', 'RCPT TO:<busy@remote.example>']);
      expect(replies.map((r) => r.code)).toEqual([250, 250, 250]);
      expect((await s.data('Subject: via postfix\r\n\r\n.dotted line\r\n')).code).toBe(250);
      await s.quit();
    } finally {
      await s.close();
    }

    const [tx] = await sink.waitForTransactions(1, 30_000);
    expect(tx.mailFrom).toBe('alice@client.example');
    expect(tx.mailParams).toEqual(expect.arrayContaining([expect.stringMatching(/^SIZE=\d+$/)]));
    expect(tx.rcptTo).toEqual(['ok@remote.example']);
    expect(tx.rejectedRcpts).toEqual([{ address: 'busy@remote.example', reply: '450 4.2.0 Mailbox busy' }]);
    expect(tx.data!.toString()).toMatch(/\r\nSubject: via postfix\r\n[\s\S]*\r\n\r\n\.dotted line\r\n$/);

    const deferred = await target.waitForEvent((e) => e.kind === 'delivery' && e.status === 'deferred', 30_000);
    expect(deferred.raw).toContain('to=<busy@remote.example>');
    expect(deferred.raw).toContain('450 4.2.0 Mailbox busy');
    const sent = await target.waitForEvent((e) => e.kind === 'delivery' && e.status === 'sent', 30_000);
    expect(sent.raw).toContain('to=<ok@remote.example>');
    expect(sent.raw).toContain(tx.dataReply!.slice(4));

    const [conn] = await sink.waitForClosed(1, 30_000);
    // Postfix's client wrote MAIL, both RCPTs (in its own order) and DATA as one group.
    const group = conn.commandBatches!.find((b) => b[0].startsWith('MAIL FROM:'));
    expect(group).toHaveLength(4);
    expect(group![0]).toMatch(/^MAIL FROM:<alice@client\.example> SIZE=\d+/);
    expect(group!.slice(1, 3).sort()).toEqual(['RCPT TO:<busy@remote.example>', 'RCPT TO:<ok@remote.example>']);
    expect(group![3]).toBe('DATA');
    expect(conn.closedBy).toBe('client');
  });
});
