/**
 * Header address rewriting, checked against what real Postfix 3.7.11 delivered for the same
 * headers (sendmail, local context, myorigin = mx.twinpost.test).
 */
import { describe, expect, it } from 'vitest';
import { createTrivialRewrite } from '../trivial-rewrite/index.ts';
import { rewriteHeaderAddresses } from './header-addresses.ts';

const tr = createTrivialRewrite({ myhostname: 'mx.twinpost.test', mydomain: 'twinpost.test', myorigin: 'mx.twinpost.test' });
const local = async (a: string) => (await tr.rewrite('local', a)).address;

describe('rewriteHeaderAddresses', () => {
  it('rewrites sender and recipient headers the way Postfix regenerates and folds them', async () => {
    const lines = [
      'From: Alice Example <alice>',
      'TO: joe smith, "Q x" <q>, (c) bob, grp: a, b;, x@y',
      'Cc: aaaaaaaaaaaa, bbbbbbbbbbbbbbbbb, cccccccccccccccccccc, ddddddddddddddddddd, eeeeeeeeeeeeeeeee, ffff',
      'Reply-To: r (Rr)',
      'Sender: ok@remote.example',
      'Resent-To: <>, "a b", u@[1.2.3.4]',
      'Subject: nobody',
      '',
      'To: body',
    ];
    expect(await rewriteHeaderAddresses(lines, local)).toEqual([
      'From: Alice Example <alice@mx.twinpost.test>',
      'TO: joe@mx.twinpost.test, smith@mx.twinpost.test,',
      '\t"Q x" <q@mx.twinpost.test>, bob@mx.twinpost.test (c),',
      '\tgrp: a@mx.twinpost.test, b@mx.twinpost.test;, x@y',
      'Cc: aaaaaaaaaaaa@mx.twinpost.test,',
      '\tbbbbbbbbbbbbbbbbb@mx.twinpost.test,',
      '\tcccccccccccccccccccc@mx.twinpost.test,',
      '\tddddddddddddddddddd@mx.twinpost.test,',
      '\teeeeeeeeeeeeeeeee@mx.twinpost.test, ffff@mx.twinpost.test',
      'Reply-To: r@mx.twinpost.test (Rr)',
      'Sender: ok@remote.example',
      'Resent-To: <>, "a b"@mx.twinpost.test, u@[1.2.3.4]',
      'Subject: nobody',
      '',
      'To: body',
    ]);
  });

  it('keeps an unchanged header byte for byte (spacing, folding)', async () => {
    const lines = ['To:   dave@remote.example ,', ' erin@remote.example', 'Subject: x'];
    expect(await rewriteHeaderAddresses(lines, local)).toEqual(lines);
  });
});

describe('header_address_token_limit', () => {
  it('rebuilds a rewritten header from its first tokens only (seen with Postfix 3.7.11, limit 5)', async () => {
    expect(await rewriteHeaderAddresses(['To: anna, bert, cleo, dora'], local, 5)).toEqual([
      'To: anna@mx.twinpost.test, bert@mx.twinpost.test,', '\tcleo@mx.twinpost.test',
    ]);
  });

  it('keeps a header whose parsed addresses need no change byte for byte, tokens past the limit too', async () => {
    const lines = ['To: a@x.example, b@x.example, c@x.example'];
    expect(await rewriteHeaderAddresses(lines, local, 3)).toEqual(lines);
  });
});
