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
    const wrapped = withFastFlush(agent, flush);
    expect(wrapped.transport).toBe('smtp');
    expect((await wrapped.deliver(req)).recipients.map((r) => r.outcome)).toEqual(['deferred', 'sent']);
    expect(added).toEqual(['Example.NET ABC']);
  });
});
