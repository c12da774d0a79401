/** Destination queues: window, process limit, dead destinations, rate delay, caching flags. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DEL_REQ_FLAG_CONN_LOAD, DEL_REQ_FLAG_CONN_STORE } from '../../global/deliver-request.ts';
import { parseMainCf } from '../../config/index.ts';
import type { QmgrContext } from './context.ts';
import { DestinationQueues, type Deferral, type RunOutcome } from './destinations.ts';

afterEach(() => vi.useRealTimers());

function queues(main: string, processLimit = 0) {
  const cfg = parseMainCf(main);
  const warnings: string[] = [];
  let now = 1_000_000;
  const ctx = { cfg, clock: () => now, logger: { info() {}, warning: (_s: string, t: string) => warnings.push(t), fatal() {} } } as unknown as QmgrContext;
  return { q: new DestinationQueues(ctx, () => processLimit), warnings, advance: (ms: number) => (now += ms) };
}

/** A delivery the test ends by hand; records when it started and with which flags. */
function manual() {
  const started: { flags: number; end: (o: RunOutcome<string>) => void }[] = [];
  const run = (flags: number) => new Promise<RunOutcome<string>>((end) => started.push({ flags, end }));
  return { started, run };
}

const ok: RunOutcome<string> = { value: 'ok' };
const refused = (): RunOutcome<string> => ({ value: 'failed', siteFailure: ['4.4.1', 'connect to x: Connection refused'] });
const flush = () => new Promise((r) => setImmediate(r));

describe('DestinationQueues', () => {
  it('starts initial_destination_concurrency deliveries, then one more per success', async () => {
    const { q } = queues('initial_destination_concurrency = 2\n');
    const m = manual();
    for (let i = 0; i < 6; i++) void q.deliver('smtp', 'x', m.run);
    expect(m.started).toHaveLength(2);
    m.started[0]!.end(ok);
    await flush();
    expect(m.started).toHaveLength(4); // window 3, one finished: two more
  });

  it('the process limit caps deliveries across destinations', async () => {
    const { q } = queues('', 1);
    const m = manual();
    void q.deliver('smtp', 'a', m.run);
    void q.deliver('smtp', 'b', m.run);
    expect(m.started).toHaveLength(1);
    m.started[0]!.end(ok);
    await flush();
    expect(m.started).toHaveLength(2);
  });

  it('dies after the failed cohort limit and defers what waits, with the agent reason', async () => {
    const { q } = queues('smtp_initial_destination_concurrency = 1\n');
    const m = manual();
    const first = q.deliver('smtp', 'x', m.run);
    const second = q.deliver('smtp', 'x', m.run);
    m.started[0]!.end(refused());
    expect(await first).toEqual({ value: 'failed' });
    const deferred: Deferral = ['4.4.1', 'delivery temporarily suspended: connect to x: Connection refused'];
    expect(await second).toEqual({ deferred });
    expect(m.started).toHaveLength(1);
    expect(q.deadReason('smtp', 'x')).toEqual(deferred);
    expect(q.deadReason('smtp', 'y')).toBeUndefined();
  });

  it('a dead destination lives again after minimal_backoff_time or a flush', async () => {
    const { q, advance } = queues('smtp_initial_destination_concurrency = 1\nminimal_backoff_time = 10s\n');
    const m = manual();
    const p = q.deliver('smtp', 'x', m.run);
    m.started[0]!.end(refused());
    await p;
    advance(9_999);
    expect(q.deadReason('smtp', 'x')).toBeDefined();
    advance(1);
    expect(q.deadReason('smtp', 'x')).toBeUndefined();
    const p2 = q.deliver('smtp', 'x', m.run);
    m.started[1]!.end(refused());
    await p2;
    q.forgetDead();
    expect(q.deadReason('smtp', 'x')).toBeUndefined();
  });

  it('caching flags only once deliveries are back to back', async () => {
    const { q } = queues('initial_destination_concurrency = 2\n');
    const m = manual();
    for (let i = 0; i < 3; i++) void q.deliver('smtp', 'x', m.run);
    expect(m.started.map((s) => s.flags)).toEqual([0, 0]);
    m.started[0]!.end(ok);
    await flush();
    expect(m.started[2]!.flags).toBe(DEL_REQ_FLAG_CONN_STORE | DEL_REQ_FLAG_CONN_LOAD);
  });

  it('a delivery chosen in the second after the previous one ended is back to back', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000 });
    const cfg = parseMainCf('smtp_destination_rate_delay = 1s\n');
    const ctx = { cfg, clock: () => Date.now(), logger: { info() {}, warning() {}, fatal() {} } } as unknown as QmgrContext;
    const q = new DestinationQueues(ctx);
    const m = manual();
    void q.deliver('smtp', 'x', m.run);
    void q.deliver('smtp', 'x', m.run);
    m.started[0]!.end(ok);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(m.started.map((s) => s.flags)).toEqual([0, DEL_REQ_FLAG_CONN_STORE | DEL_REQ_FLAG_CONN_LOAD]);
  });

  it('destination_rate_delay: one at a time, paused between deliveries', async () => {
    vi.useFakeTimers();
    const { q } = queues('smtp_destination_rate_delay = 2s\n');
    const m = manual();
    void q.deliver('smtp', 'x', m.run);
    void q.deliver('smtp', 'x', m.run);
    expect(m.started).toHaveLength(1);
    m.started[0]!.end(ok);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(m.started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.started).toHaveLength(2);
  });

  it('transport_rate_delay: one delivery of the transport at a time, each after the delay', async () => {
    vi.useFakeTimers();
    const { q } = queues('smtp_transport_rate_delay = 2s\n');
    const m = manual();
    void q.deliver('smtp', 'a', m.run);
    void q.deliver('smtp', 'b', m.run);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(m.started).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(m.started).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(m.started).toHaveLength(1);
    m.started[0]!.end(ok);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(m.started).toHaveLength(2);
  });

  it('warns about malformed feedback and uses 1', () => {
    const { q, warnings } = queues('smtp_destination_concurrency_negative_feedback = 1/x\n');
    void q.deliver('smtp', 'x', manual().run);
    expect(warnings).toEqual(['smtp_destination_concurrency_negative_feedback: ignoring malformed or unreasonable feedback: 1/x']);
  });
});
