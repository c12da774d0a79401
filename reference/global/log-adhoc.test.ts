import { describe, expect, it } from 'vitest';
import { formatDelay, formatDeliveryLine } from './log-adhoc.ts';

describe('delivery status line', () => {
  it('formats delays like format_tv', () => {
    expect(formatDelay(0.91)).toBe('0.91');
    expect(formatDelay(1.6)).toBe('1.6');
    expect(formatDelay(0.044)).toBe('0.04');
    expect(formatDelay(0.004)).toBe('0');
    expect(formatDelay(0)).toBe('0');
    expect(formatDelay(12.34)).toBe('12');
    expect(formatDelay(1234.5)).toBe('1235');
    expect(formatDelay(0.999)).toBe('1');
  });

  it('writes orig_to only when it differs', () => {
    const times = { arrival: 0, active: 880, handoff: 920, connected: 920, done: 920 };
    expect(formatDeliveryLine({ queueId: 'Q1', to: 'x@far.example', origTo: 'X@far.example', relay: '127.0.0.1[127.0.0.1]:31726', dsn: '2.0.0', status: 'sent', text: '250 2.0.0 Ok', times }))
      .toBe('Q1: to=<x@far.example>, relay=127.0.0.1[127.0.0.1]:31726, delay=0.92, delays=0.88/0.04/0/0, dsn=2.0.0, status=sent (250 2.0.0 Ok)');
    expect(formatDeliveryLine({ queueId: 'Q1', to: 'nobody@mx', origTo: 'both@mx', relay: 'local', dsn: '2.0.0', status: 'sent', text: 'delivered to mailbox', times: { arrival: 0, done: 500 } }))
      .toBe('Q1: to=<nobody@mx>, orig_to=<both@mx>, relay=local, delay=0.5, delays=0.5/0/0/0, dsn=2.0.0, status=sent (delivered to mailbox)');
  });
});
