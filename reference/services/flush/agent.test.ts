/** withFastFlush: deferred recipients are logged per domain; sent and bounced ones are not. */
import { describe, expect, it } from 'vitest';
import { withFastFlush } from './agent.ts';
import type { DeliveryAgent, DeliveryRequest } from '../contracts.ts';
import type { FlushClient } from './flush.ts';

describe('withFastFlush', () => {
  it('adds each deferred recipient domain with the queue ID', async () => {
    const added: string[] = [];
    const flush: FlushClient = { add: async (s, q) => (added.push(`${s} ${q}`), 0), sendSite: async () => 0, sendFile: async () => 0, refresh: async () => 0, purge: async () => 0 };
    const agent: DeliveryAgent = {
      transport: 'smtp',
      deliver: async (req) => ({
        recipients: req.recipients.map((r, i) => ({ offset: r.offset, address: r.address, outcome: i === 0 ? 'deferred' : 'sent', dsn: '4.4.1', text: 't', relay: 'none' })),
      }),
    };
    const req = { queueId: 'ABC', recipients: [{ offset: 1, address: 'a@Example.NET', origTo: '' }, { offset: 2, address: 'b@other.example', origTo: '' }] } as unknown as DeliveryRequest;
    const warnings: string[] = [];
    const wrapped = withFastFlush(agent, flush, (t) => warnings.push(t));
    expect(wrapped.transport).toBe('smtp');
    expect((await wrapped.deliver(req)).recipients.map((r) => r.outcome)).toEqual(['deferred', 'sent']);
    expect(added).toEqual(['Example.NET ABC']);
    expect(warnings).toEqual([]);
  });

  it('logs a flush failure as defer_append() does and keeps the delivery result', async () => {
    const flush: FlushClient = { add: async () => { throw new Error('disk full'); }, sendSite: async () => 0, sendFile: async () => 0, refresh: async () => 0, purge: async () => 0 };
    const agent: DeliveryAgent = {
      transport: 'smtp',
      deliver: async (req) => ({ recipients: req.recipients.map((r) => ({ offset: r.offset, address: r.address, outcome: 'deferred', dsn: '4.4.1', text: 't', relay: 'none' })) }),
    };
    const warnings: string[] = [];
    const req = { queueId: 'ABC', recipients: [{ offset: 1, address: 'a@example.net', origTo: '' }] } as unknown as DeliveryRequest;
    const result = await withFastFlush(agent, flush, (t) => warnings.push(t)).deliver(req);
    expect(result.recipients.map((r) => r.outcome)).toEqual(['deferred']);
    expect(warnings).toEqual(['unable to talk to fast flush service']);
  });
});
