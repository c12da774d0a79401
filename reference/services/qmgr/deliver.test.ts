import { describe, expect, it } from 'vitest';
import { assignBatches } from './deliver.ts';
import type { Resolved } from './resolve.ts';

/** Recipients of one destination with no recipient limit. */
const toFar = (...addresses: string[]): Resolved[] => addresses.map((address, i) => ({
  transport: 'smtp', destination: 'far.example', nexthop: 'far.example', limit: 0, rcpt: { offset: i + 1, address, origTo: '' },
}));

describe('assignBatches', () => {
  it('puts the recipients of one destination in one batch when there is no limit', () => {
    expect(assignBatches(toFar('a@far.example', 'b@far.example')).map((b) => b.recipients.map((r) => r.address))).toEqual([['a@far.example', 'b@far.example']]);
  });

  it('gives each recipient of a VERP message a batch of its own', () => {
    expect(assignBatches(toFar('a@far.example', 'b@far.example'), true).map((b) => b.recipients.map((r) => r.address))).toEqual([['a@far.example'], ['b@far.example']]);
  });
});
