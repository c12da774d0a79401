/**
 * Shared parts of the trivial-rewrite differential tests: the base configuration, a real
 * private Postfix instance per describe block with a private/rewrite client, map files in a temp
 * dir, and the question set (resolve, verify, sender-dependent resolve, local/remote rewrite)
 * asked of both implementations.
 */
import { afterAll, beforeAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostfixInstance, type PostfixInstance } from './postfix-instance.ts';
import { RewriteClient } from './rewrite.ts';
import { REWRITE_EXTRA } from './rewrite-corpus.ts';
import type { TrivialRewriteClient } from '../../reference/services/contracts.ts';

/** Parameters every configuration shares. */
export const BASE = {
  myhostname: 'host.example.com',
  mydomain: 'example.com',
  inet_interfaces: '127.0.0.1',
  inet_protocols: 'ipv4',
  relay_domains: 'relay.example',
  virtual_alias_domains: 'valias.example',
  virtual_mailbox_domains: 'vmbox.example',
};

/** A temp dir for map files, removed after the test file; returns the writer and the dir. */
export function mapFiles(): { dir: string; write(name: string, text: string): string } {
  const dir = mkdtempSync('/tmp/twinpost-rw-maps-');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** One real instance per describe block, with a connected private/rewrite client. */
export function realInstance(params: Record<string, string>): { pf: PostfixInstance; real: RewriteClient } {
  const inst = {} as { pf: PostfixInstance; real: RewriteClient };
  beforeAll(async () => {
    inst.pf = await startPostfixInstance(params);
    inst.real = await RewriteClient.connect(inst.pf.privateSocket('rewrite'));
  });
  afterAll(async () => {
    inst.real?.close();
    await inst.pf?.stop();
  });
  return inst;
}

type Client = TrivialRewriteClient & { resolveVerify(s: string, a: string): Promise<unknown> };
export type Asked = { question: string; answer: unknown };

/** Every question for these addresses, with its answer, in a fixed order. */
export async function askAll(c: Client, addresses: string[]): Promise<Asked[]> {
  const out: Asked[] = [];
  for (const a of addresses) {
    out.push({ question: `resolve ${JSON.stringify(a)}`, answer: await c.resolve('', a) });
    out.push({ question: `verify ${JSON.stringify(a)}`, answer: await c.resolveVerify('', a) });
  }
  for (const sender of ['me@s.example', 'x@t.example', 'other@elsewhere.example']) {
    out.push({ question: `resolve from ${sender}`, answer: await c.resolve(sender, 'u@other.example') });
  }
  for (const a of [...addresses, ...REWRITE_EXTRA]) {
    if (a === '') continue; // covered by a fixed case; Postfix only logs a warning
    out.push({ question: `rewrite ${JSON.stringify(a)}`, answer: [(await c.rewrite('local', a)).address, (await c.rewrite('remote', a)).address] });
  }
  return out;
}

/** The questions where the two disagree (empty when they agree everywhere). */
export async function disagreements(real: Client, ref: Client, addresses: string[]): Promise<unknown[]> {
  const [want, got] = [await askAll(real, addresses), await askAll(ref, addresses)];
  return want.flatMap((w, i) =>
    JSON.stringify(w.answer) === JSON.stringify(got[i].answer) ? [] : [{ question: w.question, postfix: w.answer, reference: got[i].answer }]);
}
