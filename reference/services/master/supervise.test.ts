/** supervise(): a service that fails its start-up is logged as master does and throttled. */
import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../cleanup/testing.ts';
import { createTrivialRewrite } from '../trivial-rewrite/index.ts';
import { ServiceUnavailable, supervise } from './supervise.ts';

describe('supervise', () => {
  it('logs fatal + master warnings once, throttles, and retries after service_throttle_time', async () => {
    const logger = recordingLogger();
    let t = 1000;
    let attempts = 0;
    const ready = supervise({
      service: 'trivial-rewrite', daemonDirectory: '/usr/lib/postfix/sbin', throttleSeconds: 60, logger, pid: 42, now: () => t,
      startup: async () => {
        attempts++;
        if (attempts < 3) throw new Error('proxymap service is not configured for table "lmdb:/x"');
      },
    });
    await expect(ready()).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(logger.lines).toEqual([
      'trivial-rewrite: fatal: proxymap service is not configured for table "lmdb:/x"',
      'master: warning: process /usr/lib/postfix/sbin/trivial-rewrite pid 42 exit status 1',
      'master: warning: /usr/lib/postfix/sbin/trivial-rewrite: bad command startup -- throttling',
    ]);
    // throttled: no new start-up attempt, no new log lines
    await expect(ready()).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(attempts).toBe(1);
    expect(logger.lines).toHaveLength(3);
    t += 60_000;
    await expect(ready()).rejects.toBeInstanceOf(ServiceUnavailable);
    expect(attempts).toBe(2);
    expect(logger.lines).toHaveLength(6);
    t += 60_000;
    await ready();
    await ready();
    expect(attempts).toBe(3);
  });

  it("trivial-rewrite's startup() checks every table it opened", async () => {
    const checked: string[] = [];
    const tr = createTrivialRewrite(
      { transport_maps: 'proxy:lmdb:/etc/postfix/transport', relocated_maps: 'texthash:/nonexistent/relocated' },
      { openTable: () => ({ fixed: true, lookup: async () => null }), checkTable: async (spec) => { checked.push(spec); } },
    );
    await tr.startup();
    expect(checked).toContain('proxy:lmdb:/etc/postfix/transport');
    expect(checked).toContain('texthash:/nonexistent/relocated');
  });
});
