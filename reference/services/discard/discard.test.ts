import { describe, expect, it } from 'vitest';
import { createFileLogger } from '../postlogd/postlogd.ts';
import type { DeliveryRequest } from '../contracts.ts';
import { createDiscardAgent } from './discard.ts';

const req = (nexthop: string): DeliveryRequest => ({
  queueId: 'Q1', queueFile: '/nonexistent', transport: 'discard', nexthop, sender: 's@c',
  recipients: [{ offset: 10, address: 'a@b', origTo: 'A@b' }], arrivalTime: 1000, activeTime: 1200, flags: 0,
});

describe('discard agent', () => {
  it('reports every recipient sent, with the nexthop as the reason', async () => {
    const logger = createFileLogger({ myhostname: 'mx', now: () => 1500 });
    const d = await createDiscardAgent({ transport: 'discard', logService: 'discard', logger, now: () => 1500 }).deliver(req('silently dropped'));
    expect(d.recipients[0]).toMatchObject({ outcome: 'sent', dsn: '2.0.0', text: 'silently dropped' });
    expect(logger.lines.map((l) => l.replace(/^.*?: /, ''))).toEqual([
      'Q1: to=<a@b>, relay=none, delay=0.5, delays=0.2/0.3/0/0, dsn=2.0.0, status=sent (silently dropped)',
    ]);
  });
});
