/**
 * anvil: counting semantics with an injected clock, and the same request sequence answered
 * byte-for-byte like real Postfix 3.7.11's anvil over private/anvil (plain encoding).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createAnvil, anvilIdent, serveAnvil } from './anvil.ts';
import { AttrClient } from '../../protocol/client.ts';
import { startPostfixInstance, type PostfixInstance } from '../../../harness/clients/postfix-instance.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

describe('anvil counting', () => {
  it('counts simultaneous connections and connection rate; one remote per session', () => {
    let t = 1000;
    const anvil = createAnvil({ rateTimeUnit: 60, now: () => t });
    const a = anvil.session();
    const b = anvil.session();
    const id = anvilIdent('smtp', '192.0.2.1');
    expect(id).toBe('smtp:192.0.2.1');
    expect(a.connect(id)).toEqual({ status: 0, count: 1, rate: 1 });
    expect(b.connect(id)).toEqual({ status: 0, count: 2, rate: 2 });
    expect(a.message(id)).toEqual({ status: 0, rate: 1 });
    expect(a.recipient(id)).toEqual({ status: 0, rate: 1 });
    expect(a.recipient(id)).toEqual({ status: 0, rate: 2 });
    expect(a.lookup(id)).toEqual({ status: 0, count: 2, rate: 2, mail: 1, rcpt: 2, newtls: 0, auth: 0 });
    // a second connect on session a drops a's first registration
    expect(a.connect(id)).toEqual({ status: 0, count: 2, rate: 3 });
    a.close();
    expect(a.lookup(id).count).toBe(1);
    // disconnect of an ident the session did not link is ignored
    expect(a.disconnect(id)).toEqual({ status: 0 });
    expect(b.lookup(id).count).toBe(1);
    b.disconnect(id);
    expect(b.lookup(id).count).toBe(0);
  });

  it('resets rates after the time unit and forgets an idle client one unit after its last disconnect', () => {
    let t = 1000;
    const anvil = createAnvil({ rateTimeUnit: 3, now: () => t });
    const s = anvil.session();
    const id = 'smtp:127.0.0.1';
    s.connect(id);
    s.disconnect(id);
    expect(s.connect(id)).toEqual({ status: 0, count: 1, rate: 2 });
    s.disconnect(id);
    t += 3; // start + unit is not yet < now, and the idle entry has just expired
    expect(s.lookup(id)).toEqual({ status: 0, count: 0, rate: 0, mail: 0, rcpt: 0, newtls: 0, auth: 0 });
    expect(s.connect(id)).toEqual({ status: 0, count: 1, rate: 1 });
    expect(s.connect('smtp:127.0.0.2')).toEqual({ status: 0, count: 1, rate: 1 });
    const other = anvil.session();
    expect(other.connect(id)).toEqual({ status: 0, count: 1, rate: 2 }); // s let go of it
    t += 4; // window over: the next event starts a new one
    expect(other.message(id)).toEqual({ status: 0, rate: 1 });
    expect(other.lookup(id)).toMatchObject({ rate: 0, mail: 1 });
  });
});

describe('anvil on the wire, against real Postfix', () => {
  let pf: PostfixInstance;
  let dir: string;
  beforeAll(async () => {
    pf = await startPostfixInstance();
    dir = scratchDir('anvil');
  });
  afterAll(async () => {
    await pf?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const script: [string, string][] = [
    ['lookup', 'smtp:192.0.2.9'],
    ['connect', 'smtp:192.0.2.9'],
    ['connect', 'smtp:192.0.2.9'],
    ['message', 'smtp:192.0.2.9'],
    ['recipient', 'smtp:192.0.2.9'],
    ['newtls', 'smtp:192.0.2.9'],
    ['newtls_status', 'smtp:192.0.2.9'],
    ['auth', 'smtp:192.0.2.9'],
    ['lookup', 'smtp:192.0.2.9'],
    ['message', 'smtp:192.0.2.10'],
    ['disconnect', 'smtp:192.0.2.9'],
    ['disconnect', 'smtp:192.0.2.10'],
    ['lookup', 'smtp:192.0.2.10'],
    ['bogus', 'smtp:192.0.2.9'],
  ];

  async function play(path: string): Promise<string[]> {
    const c = await AttrClient.connect(path, { encoding: 'plain', protocol: 'anvil_protocol' });
    try {
      const out: string[] = [];
      for (const [request, ident] of script) out.push(JSON.stringify(await c.request([['request', request], ['ident', ident]])));
      return out;
    } finally {
      c.close();
    }
  }

  it('gives the same replies as real anvil for the same requests', async () => {
    const server = await serveAnvil(join(dir, 'anvil'), createAnvil());
    try {
      const real = await play(pf.privateSocket('anvil'));
      const ref = await play(join(dir, 'anvil'));
      expect(ref).toEqual(real);
      expect(real[1]).toBe(JSON.stringify([['status', '0'], ['count', '1'], ['rate', '1']]));
      expect(real.at(-1)).toBe(JSON.stringify([['status', '4294967295']]));
    } finally {
      await server.close();
    }
  });
});
