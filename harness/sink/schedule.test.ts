import { describe, expect, it } from 'vitest';
import { useSinks } from './test-fixture.ts';
import { concurrencyTimeline, deliveryPosition, maxConcurrentWithin, scheduleSummary } from './schedule.ts';
import type { SinkConnection, SinkTransaction } from './types.ts';

function tx(startedAt: number, rcpts = 1, accepted = true): SinkTransaction {
  return { mailFrom: 'a@b', mailParams: [], rcptTo: Array.from({ length: rcpts }, (_v, i) => `r${i}@x`), rejectedRcpts: [], accepted, startedAt };
}

let ids = 0;
function conn(openedAt: number, closedAt: number | undefined, transactions: SinkTransaction[] = []): SinkConnection {
  return { id: ++ids, remoteAddress: '127.0.0.1', remotePort: 1, transactions, commands: [], openedAt, ...(closedAt === undefined ? {} : { closedAt }) };
}

describe('concurrencyTimeline', () => {
  it('counts overlapping connections from the first one on', () => {
    const conns = [conn(1000, 1500), conn(1100, 1200), conn(1150, 1600)];
    expect(concurrencyTimeline(conns)).toEqual([
      { t: 0, open: 1 },
      { t: 100, open: 2 },
      { t: 150, open: 3 },
      { t: 200, open: 2 },
      { t: 500, open: 1 },
      { t: 600, open: 0 },
    ]);
  });

  it('does not count a connection that opens the moment another closes as beside it', () => {
    expect(scheduleSummary([conn(0, 100), conn(100, 200)]).maxConcurrent).toBe(1);
  });

  it('keeps a connection still open counted to the end', () => {
    expect(concurrencyTimeline([conn(0, undefined), conn(50, 60)]).at(-1)).toEqual({ t: 60, open: 1 });
  });
});

describe('maxConcurrentWithin', () => {
  it('looks only at the first ms after the first connection', () => {
    const conns = [conn(0, 900), conn(200, 900), conn(1200, 1300), conn(1210, 1300), conn(1220, 1300)];
    expect(maxConcurrentWithin(conns, 1000)).toBe(2);
    expect(maxConcurrentWithin(conns, 1500)).toBe(3);
    expect(maxConcurrentWithin([], 1000)).toBe(0);
  });
});

describe('scheduleSummary', () => {
  it('measures messages per connection, recipients per transaction and the gaps between deliveries', () => {
    const conns = [conn(0, 5000, [tx(10), tx(1010, 3), tx(2500, 1, false)]), conn(100, 200, []), conn(300, 4000, [tx(1300, 2)])];
    const s = scheduleSummary(conns);
    expect(s.connections).toBe(3);
    expect(s.messagesPerConnection).toEqual({ mean: 1, min: 0, max: 2 });
    expect(s.maxRecipientsPerTransaction).toBe(3);
    expect(s.minGapMs).toBe(290);
  });

  it('leaves the gap out with fewer than two transactions, and gives zeros for no connection', () => {
    expect(scheduleSummary([conn(0, 1, [tx(0)])]).minGapMs).toBeUndefined();
    const none = scheduleSummary([]);
    expect([none.connections, none.maxConcurrent, none.messagesPerConnection.mean, none.maxRecipientsPerTransaction]).toEqual([0, 0, 0, 0]);
  });
});

describe('deliveryPosition', () => {
  it('gives where the first accepted delivery to a recipient came, by start time over all connections', () => {
    const to = (startedAt: number, r: string, accepted = true): SinkTransaction => ({ ...tx(startedAt), rcptTo: [r], accepted });
    const conns = [conn(0, 100, [to(10, 'big@x'), to(50, 'small@x', false), to(70, 'small@x')]), conn(5, 100, [to(20, 'big@x'), to(30, 'other@x')])];
    expect(deliveryPosition(conns, 'other@x')).toBe(3);
    expect(deliveryPosition(conns, 'small@x')).toBe(4);
    expect(deliveryPosition(conns, 'nobody@x')).toBeUndefined();
  });
});

describe('a sink records the times the schedule is made of', () => {
  const fx = useSinks();
  /** How long the sink waits before answering the end of DATA. */
  const DOT_DELAY_MS = 120;

  it('stamps each transaction at MAIL FROM and at the reply to the final dot, within the connection', async () => {
    await fx.start({ faults: [{ kind: 'slow', stage: 'dot', delayMs: DOT_DELAY_MS }] });
    const d = await fx.open();
    await d.command('EHLO client.example');
    await d.command('MAIL FROM:<a@b.example>');
    await d.command('RCPT TO:<c@d.example>');
    await d.data('Subject: t\r\n\r\nhi\r\n');
    await d.quit();
    const [conn] = await fx.sink.waitForClosed(1, 5_000);
    const t = conn!.transactions[0]!;
    expect(t.startedAt).toBeGreaterThanOrEqual(conn!.openedAt);
    expect(t.endedAt! - t.startedAt!).toBeGreaterThanOrEqual(DOT_DELAY_MS - 5);
    expect(conn!.closedAt).toBeGreaterThanOrEqual(t.endedAt!);
  });
});
