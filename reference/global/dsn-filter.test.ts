import { describe, expect, it } from 'vitest';
import { Maps, type LookupTable } from './maps.ts';
import { filterDeliveryStatus } from './dsn-filter.ts';

/** A filter whose one table answers from `entries` (exact keys). */
function filter(entries: Record<string, string>): Maps {
  const table: LookupTable = { fixed: false, lookup: async (key) => entries[key] ?? null };
  return new Maps('local_delivery_status_filter', ['test:filter'], () => table);
}

describe('filterDeliveryStatus', () => {
  it('replaces the status and text of a matching success', async () => {
    const f = filter({ '2.0.0 delivered to mailbox': '2.0.1 filed' });
    expect(await filterDeliveryStatus(f, { outcome: 'sent', dsn: '2.0.0', text: 'delivered to mailbox' }, () => {})).toEqual({ outcome: 'sent', dsn: '2.0.1', text: 'filed' });
  });

  it('turns a bounce into a deferral when the answer is 4.x.x, and back', async () => {
    const f = filter({ '5.1.1 unknown user': '4.1.1 later', '4.2.0 busy': '5.2.0 gone' });
    expect(await filterDeliveryStatus(f, { outcome: 'bounced', dsn: '5.1.1', text: 'unknown user' }, () => {})).toEqual({ outcome: 'deferred', dsn: '4.1.1', text: 'later' });
    expect(await filterDeliveryStatus(f, { outcome: 'deferred', dsn: '4.2.0', text: 'busy' }, () => {})).toEqual({ outcome: 'bounced', dsn: '5.2.0', text: 'gone' });
  });

  it('refuses an answer of the other class with a warning and keeps the result', async () => {
    const warnings: string[] = [];
    const f = filter({ '2.0.0 delivered to file: /x': '5.0.0 wrong class', '5.1.1 x': 'no status' });
    const sent = { outcome: 'sent' as const, dsn: '2.0.0', text: 'delivered to file: /x' };
    expect(await filterDeliveryStatus(f, sent, (t) => warnings.push(t))).toBe(sent);
    const bounced = { outcome: 'bounced' as const, dsn: '5.1.1', text: 'x' };
    expect(await filterDeliveryStatus(f, bounced, (t) => warnings.push(t))).toBe(bounced);
    expect(warnings).toEqual(['local_delivery_status_filter: bad status code: 5.0.0 wrong class', 'local_delivery_status_filter: bad status code: no status']);
  });

  it('leaves a result without a match alone', async () => {
    const given = { outcome: 'sent' as const, dsn: '2.0.0', text: 'delivered to maildir' };
    expect(await filterDeliveryStatus(filter({}), given, () => {})).toBe(given);
  });
});
