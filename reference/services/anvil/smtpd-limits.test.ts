/** smtpd connection limits via anvil: texts and order as real Postfix 3.7.11 (specs/anvil). */
import { describe, expect, it } from 'vitest';
import { createAnvil } from './anvil.ts';
import { checkConnectLimits } from './smtpd-limits.ts';

describe('smtpd connection limits', () => {
  it('refuses over the count limit and releases when a session closes', () => {
    const limits = { anvil: createAnvil(), service: '127.0.0.1:2525', myhostname: 'mx.example', countLimit: 2, rateLimit: 0, exempt: () => false };
    const a = checkConnectLimits(limits, '127.0.0.1', 'localhost[127.0.0.1]');
    const b = checkConnectLimits(limits, '127.0.0.1', 'localhost[127.0.0.1]');
    expect(a.refuse ?? b.refuse).toBeUndefined();
    const c = checkConnectLimits(limits, '127.0.0.1', 'localhost[127.0.0.1]');
    expect(c.refuse).toEqual({
      reply: '421 4.7.0 mx.example Error: too many connections from 127.0.0.1',
      warning: 'Connection concurrency limit exceeded: 3 from localhost[127.0.0.1] for service 127.0.0.1:2525',
    });
    c.session!.close();
    a.session!.close();
    expect(checkConnectLimits(limits, '127.0.0.1', 'localhost[127.0.0.1]').refuse).toBeUndefined();
  });

  it('refuses over the rate limit; exempt clients and zero limits skip anvil', () => {
    const anvil = createAnvil();
    const limits = { anvil, service: 's', myhostname: 'mx', countLimit: 0, rateLimit: 2, exempt: (a: string) => a === '10.0.0.1' };
    checkConnectLimits(limits, '127.0.0.1', 'n[127.0.0.1]').session!.close();
    checkConnectLimits(limits, '127.0.0.1', 'n[127.0.0.1]').session!.close();
    expect(checkConnectLimits(limits, '127.0.0.1', 'n[127.0.0.1]').refuse?.warning).toBe('Connection rate limit exceeded: 3 from n[127.0.0.1] for service s');
    expect(checkConnectLimits(limits, '10.0.0.1', 'n[10.0.0.1]')).toEqual({});
    expect(checkConnectLimits({ ...limits, rateLimit: 0 }, '127.0.0.1', 'n[127.0.0.1]')).toEqual({});
  });
});
