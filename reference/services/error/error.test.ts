import { describe, expect, it } from 'vitest';
import { createFileLogger } from '../postlogd/postlogd.ts';
import type { DeliveryRequest } from '../contracts.ts';
import { createErrorAgent } from './error.ts';
import { splitDsn } from '../../global/dsn-split.ts';

const req = (nexthop: string): DeliveryRequest => ({
  queueId: 'Q1', queueFile: '/nonexistent', transport: 'error', nexthop, sender: 's@c',
  recipients: [{ offset: 10, address: 'a@b', origTo: 'A@b' }], arrivalTime: 1000, activeTime: 1200, flags: 0,
});

describe('error agent', () => {
  it('bounces (error) and defers (retry) with the nexthop as the reason', async () => {
    const logger = createFileLogger({ myhostname: 'mx', now: () => 1500 });
    const e = await createErrorAgent({ transport: 'error', logService: 'error', logger, now: () => 1500 }).deliver(req('5.1.1 no such list'));
    expect(e.recipients[0]).toMatchObject({ outcome: 'bounced', dsn: '5.1.1', text: 'no such list', relay: 'none' });
    const r = await createErrorAgent({ transport: 'retry', logService: 'retry', logger, mode: 'retry', now: () => 1500 }).deliver(req('try later'));
    expect(r.recipients[0]).toMatchObject({ outcome: 'deferred', dsn: '4.0.0', text: 'try later' });
    expect(logger.lines.map((l) => l.replace(/^.*?: /, ''))).toEqual([
      'Q1: to=<a@b>, relay=none, delay=0.5, delays=0.2/0.3/0/0, dsn=5.1.1, status=bounced (no such list)',
      'Q1: to=<a@b>, relay=none, delay=0.5, delays=0.2/0.3/0/0, dsn=4.0.0, status=deferred (try later)',
    ]);
    expect(splitDsn('  4.7.1   go away ', '5.0.0')).toEqual({ dsn: '4.7.1', text: 'go away' });
  });
});
