/** smtp connection reuse decisions: on-demand flags, destinations, count and time limits. */
import { describe, expect, it } from 'vitest';
import { createSmtpReuse, type ReusableSession } from './smtp-reuse.ts';
import { DEL_REQ_FLAG_CONN_LOAD, DEL_REQ_FLAG_CONN_STORE } from '../../global/deliver-request.ts';

const base = { onDemand: true, destinations: [], cacheTimeLimit: 2, reuseTimeLimit: 300, reuseCountLimit: 0 };
const session = (connectedAt = 10_000): ReusableSession<string> => ({ conn: 'c', features: new Set(['PIPELINING']), endpoint: { name: 'h', addr: '127.0.0.1', port: 25 }, connectedAt, reuseCount: 0 });
const req = (flags: number) => ({ flags, transport: 'smtp', nexthop: '[127.0.0.1]:25' });

describe('smtp connection reuse', () => {
  it('caches on CONN_STORE and hands out on CONN_LOAD, counting reuses', () => {
    const closed: string[] = [];
    const r = createSmtpReuse<string>(base, { ttlLimit: 2, closeConnection: (c) => void closed.push(c) });
    const s = session();
    expect(r.keep(req(0), s, 10_500)).toBe(false);
    expect(r.keep(req(DEL_REQ_FLAG_CONN_STORE), s, 10_500)).toBe(true);
    expect(r.take(req(0))).toBeUndefined();
    const got = r.take(req(DEL_REQ_FLAG_CONN_LOAD))!;
    expect(got.reuseCount).toBe(1);
    expect(r.take(req(DEL_REQ_FLAG_CONN_LOAD))).toBeUndefined();
    r.close();
  });

  it('closes instead of caching past the reuse count or time limit; off when on-demand is off', () => {
    const r = createSmtpReuse<string>({ ...base, reuseCountLimit: 2, reuseTimeLimit: 1 }, { ttlLimit: 2, closeConnection: () => undefined });
    const s = session(10_900);
    s.reuseCount = 2;
    expect(r.keep(req(DEL_REQ_FLAG_CONN_STORE), s, 11_000)).toBe(false);
    s.reuseCount = 1;
    expect(r.keep(req(DEL_REQ_FLAG_CONN_STORE), s, 11_999)).toBe(true); // second 10 + 1 is not < 11
    const t = session(10_900);
    expect(r.keep(req(DEL_REQ_FLAG_CONN_STORE), t, 12_000)).toBe(false); // 10 + 1 < 12
    const off = createSmtpReuse<string>({ ...base, onDemand: false }, { ttlLimit: 2, closeConnection: () => undefined });
    expect(off.keep(req(DEL_REQ_FLAG_CONN_STORE), session(), 10_100)).toBe(false);
    const dest = createSmtpReuse<string>({ ...base, onDemand: false, destinations: ['127.0.0.1'] }, { ttlLimit: 2, closeConnection: () => undefined });
    expect(dest.keep(req(0), session(), 10_100)).toBe(true);
    expect(dest.take(req(0))?.reuseCount).toBe(1);
    r.close();
    off.close();
    dest.close();
  });
});
