import { describe, expect, it } from 'vitest';
import { useSinks } from '../sink/test-fixture.ts';
import { sendMessage } from './send.ts';

const fx = useSinks();

describe('sendMessage', () => {
  it('submits a message and returns the queue ID from the final reply', async () => {
    const sink = await fx.start();
    const res = await sendMessage({
      ...sink.endpoint, from: 'a@example.com', to: ['b@example.com', 'c@example.com'],
      data: 'Subject: hi\n\n.dot\n', helo: 'me.example', mailParams: ['BODY=8BITMIME'],
    });
    expect(res.accepted).toBe(true);
    const [tx] = await sink.waitForTransactions(1, 5_000);
    expect(res.queueId).toBe(/queued as (\w+)/.exec(tx.dataReply!)![1]);
    expect(tx).toMatchObject({ mailFrom: 'a@example.com', mailParams: ['BODY=8BITMIME'], rcptTo: ['b@example.com', 'c@example.com'] });
    expect(tx.data!.toString()).toBe('Subject: hi\r\n\r\n.dot\r\n');
    expect(res.replies.map((r) => r.code)).toEqual([220, 250, 250, 250, 250, 250]);
    expect(res.transcript.at(-1)).toEqual({ dir: 'S', text: '221 2.0.0 Bye' });
  });

  it('stops after all recipients are refused and reports no queue ID', async () => {
    const sink = await fx.start({ faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 No such user' }] });
    const res = await sendMessage({ ...sink.endpoint, from: 'a@example.com', to: ['x@example.com'], data: 'x' });
    expect(res.accepted).toBe(false);
    expect(res.queueId).toBeUndefined();
    expect(res.replies.at(-1)?.code).toBe(550);
    expect(sink.connections()[0].commands).not.toContain('DATA');
  });

  it('falls back to HELO when EHLO is refused', async () => {
    const sink = await fx.start({ faults: [{ kind: 'reply', stage: 'helo', reply: '502 5.5.2 EHLO not supported', times: 1 }] });
    const res = await sendMessage({ ...sink.endpoint, from: 'a@example.com', to: ['x@example.com'], data: 'x' });
    expect(res.accepted).toBe(true);
    expect(sink.connections()[0].heloVerb).toBe('HELO');
  });
});
