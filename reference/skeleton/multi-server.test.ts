// The generic multi_server-style socket server and client: announcement on accept, pipelined
// requests answered in order on one connection, disconnect on a bad request, plain encoding.
import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { serveAttrProtocol, type RunningServer } from './multi-server.ts';
import { AttrClient } from '../protocol/client.ts';
import { serveTrivialRewrite } from '../services/trivial-rewrite/server.ts';
import { createTrivialRewrite } from '../services/trivial-rewrite/index.ts';
import { scratchDir } from '../../harness/util/cleanup.ts';
import { RESOLVE_CLASS_DEFAULT } from '../global/resolve-clnt.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempSocket(): string {
  const dir = scratchDir('proto');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'private', 'svc');
}

async function serve(...args: Parameters<typeof serveAttrProtocol>): Promise<RunningServer> {
  const s = await serveAttrProtocol(...args);
  cleanups.push(() => s.close());
  return s;
}

async function client(...args: Parameters<typeof AttrClient.connect>): Promise<AttrClient> {
  const c = await AttrClient.connect(...args);
  cleanups.push(() => c.close());
  return c;
}

describe('serveAttrProtocol', () => {
  it('announces, answers pipelined requests in order and reports closed connections', async () => {
    const path = tempSocket();
    let closed = 0;
    let onClosed = () => {};
    const closedOnce = new Promise<void>((resolve) => { onClosed = resolve; });
    await serve(path, {
      protocol: 'echo_protocol',
      // Even numbers are answered a turn later, so the order is really kept by the server.
      handle: async (req) => {
        const n = Number(req[0][1]);
        if (n % 2 === 0) await new Promise((r) => setImmediate(r));
        return [['n', String(n)]];
      },
      closed: () => { closed++; onClosed(); },
    });
    const c = await client(path, { protocol: 'echo_protocol' });
    expect(c.announcement).toEqual([['protocol', 'echo_protocol']]);
    const replies = await Promise.all([1, 2, 3, 4, 5].map((n) => c.request([['n', String(n)]])));
    expect(replies.map((r) => r[0][1])).toEqual(['1', '2', '3', '4', '5']);
    c.close();
    await closedOnce;
    expect(closed).toBe(1);
  });

  it('speaks the plain encoding', async () => {
    const path = tempSocket();
    await serve(path, { protocol: 'anvil_protocol', encoding: 'plain', handle: () => [['status', '0'], ['count', '1']] });
    const c = await client(path, { protocol: 'anvil_protocol', encoding: 'plain' });
    expect(await c.request([['request', 'connect'], ['ident', 'smtp:1.2.3.4']])).toEqual([['status', '0'], ['count', '1']]);
  });
});

describe('serveTrivialRewrite', () => {
  it('answers rewrite, resolve and verify, passes over attributes after a request\'s own, and drops a client that misnames one', async () => {
    const path = tempSocket();
    const srv = await serveTrivialRewrite(path, createTrivialRewrite({ myhostname: 'host.example.com', address_verify_relayhost: '[v.example]' }));
    cleanups.push(() => srv.close());
    const c = await client(path, { protocol: 'trivial_rewrite_protocol' });
    expect(await c.request([['request', 'rewrite'], ['rule', 'local'], ['address', 'user']])).toEqual([['flags', '0'], ['address', 'user@host.example.com']]);
    expect(await c.request([['request', 'verify'], ['sender', ''], ['address', 'u@other.example']])).toEqual([
      ['flags', '0'], ['transport', 'smtp'], ['nexthop', '[v.example]'], ['recipient', 'u@other.example'], ['flags', String(RESOLVE_CLASS_DEFAULT)],
    ]);
    expect(await c.request([['request', 'rewrite'], ['rule', 'local'], ['address', 'u'], ['extra', 'x']])).toEqual([['flags', '0'], ['address', 'u@host.example.com']]);
    await expect(c.request([['request', 'resolve'], ['from', ''], ['address', 'u']])).rejects.toThrow(/closed/);
    const c2 = await client(path, { protocol: 'trivial_rewrite_protocol' });
    await expect(c2.request([['request', 'rewrite'], ['rule', 'header'], ['address', 'u']])).rejects.toThrow(/closed/);
  });
});
