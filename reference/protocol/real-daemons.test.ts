// The protocol code against REAL Postfix 3.7 daemons of a private instance: the exact
// announcement bytes of private/rewrite, rewrite and resolve requests, and anvil's plain encoding.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { startPostfixInstance, type PostfixInstance } from '../../harness/clients/postfix-instance.ts';
import { AttrClient } from './client.ts';
import { encodeAttrs } from './attr.ts';
import { RESOLVE_CLASS_DEFAULT } from '../global/resolve-clnt.ts';

let pf: PostfixInstance;
beforeAll(async () => {
  pf = await startPostfixInstance({ relayhost: '[127.0.0.1]:2626' });
});
afterAll(async () => {
  await pf?.stop();
});

/** Connect raw, collect bytes until `count` bytes arrived (or time out). */
function rawExchange(path: string, send: Buffer | null, count: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const sock = connect(path);
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`got only ${JSON.stringify(got.toString('latin1'))}`)); }, 10_000);
    sock.on('data', (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length >= count) { clearTimeout(timer); sock.destroy(); resolve(got); }
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
    if (send) sock.write(send);
  });
}

describe('real private/rewrite', () => {
  it('announces itself with protocol\\0trivial_rewrite_protocol\\0\\0', async () => {
    const expected = 'protocol\0trivial_rewrite_protocol\0\0';
    const bytes = await rawExchange(pf.privateSocket('rewrite'), null, expected.length);
    expect(bytes.toString('latin1')).toBe(expected);
  });

  it('answers a rewrite and a resolve with the documented attribute order', async () => {
    const c = await AttrClient.connect(pf.privateSocket('rewrite'), { protocol: 'trivial_rewrite_protocol' });
    try {
      expect(await c.request([['request', 'rewrite'], ['rule', 'local'], ['address', 'user']]))
        .toEqual([['flags', '0'], ['address', 'user@host.example.com']]);
      expect(await c.request({ request: 'resolve', sender: '', address: 'alice@remote.test' })).toEqual([
        ['flags', '0'], ['transport', 'smtp'], ['nexthop', '[127.0.0.1]:2626'], ['recipient', 'alice@remote.test'], ['flags', String(RESOLVE_CLASS_DEFAULT)],
      ]);
    } finally {
      c.close();
    }
  });

  it('sends the exact verified resolve reply bytes when the request arrives in pieces', async () => {
    const req = encodeAttrs([['request', 'resolve'], ['sender', ''], ['address', 'alice@remote.test']]);
    const reply = 'flags\x000\0transport\0smtp\0nexthop\0[127.0.0.1]:2626\0recipient\0alice@remote.test\0flags\x004096\0\0';
    const announcementLength = 'protocol\0trivial_rewrite_protocol\0\0'.length;
    const bytes = await new Promise<Buffer>((resolve, reject) => {
      const sock = connect(pf.privateSocket('rewrite'));
      let got = Buffer.alloc(0);
      const timer = setTimeout(() => { sock.destroy(); reject(new Error('timeout')); }, 10_000);
      sock.on('data', (d: Buffer) => {
        got = Buffer.concat([got, d]);
        if (got.length >= announcementLength + reply.length) { clearTimeout(timer); sock.destroy(); resolve(got); }
      });
      sock.on('error', reject);
      sock.write(req.subarray(0, 5));
      sock.write(req.subarray(5, 21));
      setImmediate(() => sock.write(req.subarray(21)));
    });
    expect(bytes.subarray(announcementLength).toString('latin1')).toBe(reply);
  });

  it('drops the client on an unknown request, without a reply', async () => {
    const c = await AttrClient.connect(pf.privateSocket('rewrite'), { protocol: 'trivial_rewrite_protocol', timeoutMs: 5000 });
    await expect(c.request([['request', 'bogus']])).rejects.toThrow(/closed/);
    c.close();
  });

  it('refuses a server whose announcement does not match', async () => {
    await expect(AttrClient.connect(pf.privateSocket('rewrite'), { protocol: 'proxymap_protocol' })).rejects.toThrow(/mismatch/);
  });
});

describe('real private/anvil (plain encoding)', () => {
  it('announces protocol=anvil_protocol and counts connections', async () => {
    const bytes = await rawExchange(pf.privateSocket('anvil'), null, 'protocol=anvil_protocol\n\n'.length);
    expect(bytes.toString()).toBe('protocol=anvil_protocol\n\n');
    const c = await AttrClient.connect(pf.privateSocket('anvil'), { protocol: 'anvil_protocol', encoding: 'plain' });
    try {
      expect(await c.request([['request', 'connect'], ['ident', 'smtp:192.0.2.1']])).toEqual([['status', '0'], ['count', '1'], ['rate', '1']]);
      expect(await c.request([['request', 'lookup'], ['ident', 'smtp:192.0.2.77']])).toEqual(
        [['status', '0'], ['count', '0'], ['rate', '0'], ['mail', '0'], ['rcpt', '0'], ['newtls', '0'], ['auth', '0']]);
      expect(await c.request([['request', 'nonsense'], ['ident', 'x']])).toEqual([['status', '4294967295']]);
    } finally {
      c.close();
    }
  });
});
