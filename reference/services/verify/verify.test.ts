/**
 * verify: cache states, probes and their 1000 s guard, expiry and refresh, the "failed probe
 * never overwrites OK" rule; and the same request sequence answered like real Postfix
 * 3.7.11's private/verify.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createVerify, memoryStore, serveVerify, DEL_RCPT_STAT_BOUNCE, DEL_RCPT_STAT_OK, DEL_RCPT_STAT_TODO, VRFY_STAT_BAD, type VerifyParams } from './verify.ts';
import { AttrClient } from '../../protocol/client.ts';
import { startPostfixInstance, type PostfixInstance } from '../../../harness/clients/postfix-instance.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

const params: VerifyParams = { positiveExpire: 31 * 86400, negativeExpire: 3 * 86400, positiveRefresh: 7 * 86400, negativeRefresh: 3 * 3600, negativeCache: true };

describe('verify', () => {
  it('answers TODO and probes once per 1000 s until a result arrives, then the cached status', async () => {
    let t = 1_000_000;
    const probes: string[] = [];
    const store = memoryStore();
    const v = createVerify({ params, store, sendProbe: (a) => probes.push(a), now: () => t });
    expect(await v.query('good@example.net')).toEqual({ status: 0, recipientStatus: DEL_RCPT_STAT_TODO, reason: 'Address verification in progress' });
    expect(await store.get('good@example.net')).toBe(`3:${t}:0:Address verification in progress`);
    t += 10;
    await v.query('good@example.net');
    expect(probes).toEqual(['good@example.net']);
    expect(await v.update('good@example.net', DEL_RCPT_STAT_OK, '250 2.1.5 Ok')).toBe(0);
    expect(await v.query('good@example.net')).toEqual({ status: 0, recipientStatus: 0, reason: '250 2.1.5 Ok' });
    expect(await store.get('good@example.net')).toBe(`0:0:${t}:250 2.1.5 Ok`);
    // a failed probe does not overwrite OK
    await v.update('good@example.net', DEL_RCPT_STAT_BOUNCE, '550 no');
    expect((await v.query('good@example.net')).recipientStatus).toBe(0);
    // after the positive refresh time a new probe goes out, the old answer still stands
    t += params.positiveRefresh + 1;
    expect((await v.query('good@example.net')).recipientStatus).toBe(0);
    expect(probes).toHaveLength(2);
    // after the positive expire time (and no probe within 1000 s) the answer is TODO again
    t += params.positiveExpire;
    expect((await v.query('good@example.net')).recipientStatus).toBe(DEL_RCPT_STAT_TODO);
    expect(probes).toHaveLength(3);
  });

  it('keys on the address with ":" made "_", rejects status TODO in an update', async () => {
    const store = memoryStore();
    const v = createVerify({ params, store, sendProbe: () => undefined, now: () => 5000 });
    expect(await v.update('a:b@example.net', DEL_RCPT_STAT_BOUNCE, 'bad\ttext')).toBe(0);
    expect(await store.get('a_b@example.net')).toBe('2:0:5000:bad?text');
    expect(await v.update('x@example.net', DEL_RCPT_STAT_TODO, '')).toBe(VRFY_STAT_BAD);
  });

  it('without the negative cache, a TODO entry is not stored', async () => {
    const store = memoryStore();
    const v = createVerify({ params: { ...params, negativeCache: false }, store, sendProbe: () => undefined, now: () => 5000 });
    await v.query('n@example.net');
    expect(await store.get('n@example.net')).toBeNull();
  });
});

describe('verify on the wire, against real Postfix', () => {
  let pf: PostfixInstance;
  let dir: string;
  beforeAll(async () => {
    pf = await startPostfixInstance({ address_verify_map: '', default_transport: 'discard' });
    dir = scratchDir('verify');
  });
  afterAll(async () => {
    await pf?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const script: [string, string][][] = [
    [['request', 'update'], ['address', 'ok@wire.example'], ['recipient_status', '0'], ['reason', '250 2.1.5 Ok']],
    [['request', 'query'], ['address', 'ok@wire.example']],
    [['request', 'update'], ['address', 'ok@wire.example'], ['recipient_status', '2'], ['reason', '550 no']],
    [['request', 'query'], ['address', 'ok@wire.example']],
    [['request', 'update'], ['address', 'bad@wire.example'], ['recipient_status', '2'], ['reason', '550 5.1.1 no such user']],
    [['request', 'query'], ['address', 'bad@wire.example']],
    [['request', 'update'], ['address', 'x@wire.example'], ['recipient_status', '3'], ['reason', '']],
    [['request', 'bogus']],
  ];

  async function play(path: string): Promise<string[]> {
    const c = await AttrClient.connect(path, { protocol: 'address_verification_prrotocol' });
    try {
      const out: string[] = [];
      for (const r of script) out.push(JSON.stringify(await c.request(r)));
      return out;
    } finally {
      c.close();
    }
  }

  it('gives the same replies as real verify', async () => {
    const server = await serveVerify(join(dir, 'verify'), createVerify({ params, sendProbe: () => undefined }));
    try {
      const real = await play(pf.privateSocket('verify'));
      const ref = await play(join(dir, 'verify'));
      expect(ref).toEqual(real);
      expect(real[5]).toBe(JSON.stringify([['status', '0'], ['recipient_status', '2'], ['reason', '550 5.1.1 no such user']]));
    } finally {
      await server.close();
    }
  });
});
