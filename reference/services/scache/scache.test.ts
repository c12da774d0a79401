/** scache: endpoint and destination caches, oldest-first hand-out, ttl cap and expiry closing. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createScache, SCACHE_STAT_BAD, SCACHE_STAT_OK } from './scache.ts';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('scache', () => {
  it('hands out an endpoint connection once, oldest first', () => {
    const closed: string[] = [];
    const c = createScache<string>({ closeConnection: (x) => closed.push(x) });
    expect(c.saveEndp(2, 'smtp\n127.0.0.1\n25', 'p1', 'conn1')).toBe(SCACHE_STAT_OK);
    c.saveEndp(2, 'smtp\n127.0.0.1\n25', 'p2', 'conn2');
    expect(c.size()).toEqual({ destCount: 0, endpCount: 1, sessCount: 2 });
    expect(c.findEndp('smtp\n127.0.0.1\n25')).toEqual({ endpProp: 'p1', conn: 'conn1' });
    expect(c.findEndp('smtp\n127.0.0.1\n25')).toEqual({ endpProp: 'p2', conn: 'conn2' });
    expect(c.findEndp('smtp\n127.0.0.1\n25')).toBeUndefined();
    expect(closed).toEqual([]);
    expect(c.saveEndp(0, 'x', '', 'bad')).toBe(SCACHE_STAT_BAD);
  });

  it('finds a connection through a destination binding; the binding outlives the connection', () => {
    const c = createScache<string>({ closeConnection: () => undefined });
    c.saveDest(2, 'smtp\nexample.net\n25', 'dprop', 'smtp\n192.0.2.1\n25');
    expect(c.findDest('smtp\nexample.net\n25')).toBeUndefined();
    c.saveEndp(2, 'smtp\n192.0.2.1\n25', 'eprop', 'conn');
    expect(c.findDest('smtp\nexample.net\n25')).toEqual({ destProp: 'dprop', endpProp: 'eprop', conn: 'conn' });
    // saving the same binding again refreshes it rather than adding a second one
    c.saveDest(2, 'smtp\nexample.net\n25', 'dprop', 'smtp\n192.0.2.1\n25');
    expect(c.size().destCount).toBe(1);
  });

  it('caps every ttl at connection_cache_ttl_limit and closes an expired connection', () => {
    const closed: string[] = [];
    const c = createScache<string>({ ttlLimit: 2, closeConnection: (x) => closed.push(x) });
    c.saveEndp(300, 'e', '', 'conn');
    c.saveDest(300, 'd', '', 'e');
    vi.advanceTimersByTime(1999);
    expect(closed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(closed).toEqual(['conn']);
    expect(c.size()).toEqual({ destCount: 0, endpCount: 0, sessCount: 0 });
  });

  it('close() closes every cached connection', () => {
    const closed: string[] = [];
    const c = createScache<string>({ closeConnection: (x) => closed.push(x) });
    c.saveEndp(2, 'a', '', 'c1');
    c.saveEndp(2, 'b', '', 'c2');
    c.close();
    expect(closed.sort()).toEqual(['c1', 'c2']);
    vi.advanceTimersByTime(5000);
    expect(closed).toHaveLength(2);
  });
});
