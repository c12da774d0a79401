/**
 * private/rewrite of either target: the reference MTA serves trivial-rewrite's protocol on
 * $queue_directory/private/rewrite as real Postfix does, and with the same configuration both
 * give the same answers to the same client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { PostfixTarget } from '../targets/postfix/postfix-target.ts';
import { ReferenceTarget } from '../targets/reference/reference-target.ts';
import type { MailConfig } from '../targets/types.ts';
import { RewriteClient } from './rewrite.ts';

const config: MailConfig = {
  main: { transport_maps: 'texthash:$config_directory/transport', relay_domains: 'relay.example' },
  maps: [{ name: 'transport', content: 'special.example smtp:[127.0.0.1]:2626\n' }],
};

const ADDRESSES = ['nobody', 'nobody@mx.twinpost.test', 'Someone@LocalHost', 'bob@relay.example', 'carol@special.example', 'x@elsewhere.example', 'a%b@mx.twinpost.test', 'host!user', '"quoted user"@remote.example', '', '@mx.twinpost.test', 'user@[127.0.0.1]'];

describe('private/rewrite on both targets', () => {
  const postfix = new PostfixTarget();
  const reference = new ReferenceTarget();
  beforeAll(async () => {
    await Promise.all([postfix.start(config), reference.start(config)]);
  });
  afterAll(async () => {
    await Promise.all([postfix.dispose(), reference.dispose()]);
  });

  it('answers rewrite and resolve requests identically', async () => {
    const real = await RewriteClient.connect(join(postfix.queueDir, 'private', 'rewrite'));
    const ours = await RewriteClient.connect(join(reference.queueDir, 'private', 'rewrite'));
    try {
      for (const a of ADDRESSES) {
        for (const rule of ['local', 'remote'] as const) {
          expect(await ours.rewrite(rule, a), `rewrite ${rule} ${JSON.stringify(a)}`).toEqual(await real.rewrite(rule, a));
        }
        expect(await ours.resolve('', a), `resolve ${JSON.stringify(a)}`).toEqual(await real.resolve('', a));
      }
    } finally {
      real.close();
      ours.close();
    }
  });
});
