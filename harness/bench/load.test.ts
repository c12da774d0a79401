import { afterEach, describe, expect, it } from 'vitest';
import { createSink, type Sink } from '../sink/index.ts';
import { benchMessage, benchRecipients, sendLoad, watchDeliveries } from './load.ts';

describe('throughput load and delivery watch', () => {
  let sink: Sink | undefined;
  afterEach(async () => {
    await sink?.close();
    sink = undefined;
  });

  it('builds messages of about the asked size with their Message-ID', () => {
    const to = benchRecipients(7, { recipients: 2, domain: () => 'example.test' });
    expect(to).toEqual(['r0.m7@example.test', 'r1.m7@example.test']);
    const m = benchMessage(7, 2048, to);
    expect(m).toContain('Message-ID: <bench-7@twinpost.test>\r\n');
    expect(m.length).toBeGreaterThanOrEqual(2048);
    expect(m.length).toBeLessThan(2048 + 100);
  });

  it('sends N messages over C sessions and sees each one arrive (a sink standing in for the target)', async () => {
    sink = await createSink();
    const watch = watchDeliveries(sink, 30, 2, 20_000);
    const sent = await sendLoad(sink.endpoint, { messages: 30, size: 1024, recipients: 2, sessions: 4, domain: () => 'example.test' });
    await watch.done;
    expect(sent.errors).toEqual([]);
    expect(sent.acceptedAt.every((t) => t !== undefined && t >= sent.startedAt)).toBe(true);
    expect(watch.deliveredAt.every((t) => t !== undefined)).toBe(true);
    // The sink records a message when it answers 250, before the client has read that reply.
    for (let n = 0; n < 30; n++) expect(watch.deliveredAt[n]!).toBeLessThanOrEqual(sent.acceptedAt[n]!);
    expect(new Set(sink.connections().map((c) => c.id)).size).toBe(4);
  });

  it('finishes when the expectation is lowered to what was accepted', async () => {
    sink = await createSink();
    const watch = watchDeliveries(sink, 10, 1, 20_000);
    const sent = await sendLoad(sink.endpoint, { messages: 3, size: 512, recipients: 1, sessions: 1, domain: () => 'example.test' });
    expect(sent.acceptedAt.filter((t) => t !== undefined)).toHaveLength(3);
    watch.expect(3);
    await watch.done;
    expect(watch.deliveredAt.filter((t) => t !== undefined)).toHaveLength(3);
  });
});
