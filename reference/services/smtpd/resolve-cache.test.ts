import { describe, expect, it } from 'vitest';
import type { ResolveReply, TrivialRewriteClient } from '../contracts.ts';
import { cachingResolver } from './resolve-cache.ts';

/** A resolver that counts its questions and answers with the address as nexthop. */
function countingResolver(): { client: TrivialRewriteClient; asked: string[] } {
  const asked: string[] = [];
  const client: TrivialRewriteClient = {
    rewrite: async (_rule, address) => ({ address }),
    resolve: async (sender, address): Promise<ResolveReply> => {
      asked.push(`${sender} ${address}`);
      return { transport: 'smtp', nexthop: address, recipient: address, flags: 0 };
    },
  };
  return { client, asked };
}

describe('cachingResolver', () => {
  it('asks trivial-rewrite once per sender and address', async () => {
    const { client, asked } = countingResolver();
    const cached = cachingResolver(client);
    await cached.resolve('a@x', 'b@y');
    await cached.resolve('a@x', 'b@y');
    await cached.resolve('', 'b@y');
    await cached.resolve('a@x', 'c@y');
    expect(asked).toEqual(['a@x b@y', ' b@y', 'a@x c@y']);
  });

  it('forgets the least recently used answer beyond its size', async () => {
    const { client, asked } = countingResolver();
    const cached = cachingResolver(client, 2);
    await cached.resolve('', 'one');
    await cached.resolve('', 'two');
    await cached.resolve('', 'one');
    await cached.resolve('', 'three');
    await cached.resolve('', 'one');
    await cached.resolve('', 'two');
    expect(asked).toEqual([' one', ' two', ' three', ' two']);
  });
});
