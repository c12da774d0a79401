/**
 * One configuration under test, on both sides: a private real Postfix (PostfixTarget) asked over
 * $queue_directory/private/rewrite (harness/clients/rewrite.ts), and the reference
 * trivial-rewrite (createTrivialRewrite) built from the very main.cf that instance reads.
 *
 * One real instance per configuration, reused for every address of it. Measured on this
 * machine (2 cores): start + first answer + stop ≈ 0.25–0.35 s; `postfix reload` is faster
 * (≈ 10 ms) but an old trivial-rewrite process can still accept the next connection and answer
 * from the old configuration (1–4 stale answers in 10 reloads), so every configuration gets a
 * fresh instance.
 *
 * The transport table is written into a directory of the caller's and backdated: texthash
 * re-reads a file modified within the last second ("cool down", ~1.5 s per open otherwise).
 */
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PostfixTarget } from '../targets/postfix/postfix-target.ts';
import type { MailConfig } from '../targets/types.ts';
import { RewriteClient } from '../clients/rewrite.ts';
import { createTrivialRewrite } from '../../reference/services/trivial-rewrite/index.ts';
import { loadMainCf } from '../../reference/config/index.ts';
import type { ResolveReply, TrivialRewriteClient } from '../../reference/services/contracts.ts';
import { transportTable, type RewriteFuzzConfig } from './rewrite-config.ts';

/** Everything asked about one address, on one side. */
export interface RewriteAnswers {
  resolve: ResolveReply;
  /** rewrite in the local context, and the rewrite of that result again. */
  local: string;
  localAgain: string;
  /** rewrite in the remote context, and again. */
  remote: string;
  remoteAgain: string;
}

/** The questions, asked of one implementation. */
export async function askRewrite(c: TrivialRewriteClient, address: string): Promise<RewriteAnswers> {
  const resolve = await c.resolve('', address);
  const local = (await c.rewrite('local', address)).address;
  const remote = (await c.rewrite('remote', address)).address;
  return {
    resolve,
    local,
    localAgain: (await c.rewrite('local', local)).address,
    remote,
    remoteAgain: (await c.rewrite('remote', remote)).address,
  };
}

/** main.cf parameters of a configuration whose transport table lives at `transportPath`. */
export function mailConfig(config: RewriteFuzzConfig, transportPath: string): MailConfig {
  const main = { ...config.main };
  if (config.transport.length > 0) main.transport_maps = `texthash:${transportPath}`;
  return { main };
}

export class RewriteSession {
  private constructor(
    readonly config: RewriteFuzzConfig,
    private readonly target: PostfixTarget,
    readonly real: RewriteClient,
    readonly reference: TrivialRewriteClient,
  ) {}

  /** Start a real instance for `config`; `mapDir` receives the transport table as `name`. */
  static async start(config: RewriteFuzzConfig, mapDir: string, name: string): Promise<RewriteSession> {
    const transportPath = join(mapDir, name);
    writeFileSync(transportPath, transportTable(config));
    const past = new Date(Date.now() - 10_000);
    utimesSync(transportPath, past, past);
    const target = new PostfixTarget();
    try {
      await target.start(mailConfig(config, transportPath));
      const real = await RewriteClient.connect(join(target.queueDir, 'private', 'rewrite'));
      const reference = createTrivialRewrite(loadMainCf(target.configDir));
      return new RewriteSession(config, target, real, reference);
    } catch (e) {
      await target.dispose();
      throw e;
    }
  }

  /** Ask real Postfix; a dropped connection (a crashed daemon) is reported with the maillog. */
  async askReal(address: string): Promise<RewriteAnswers> {
    try {
      return await askRewrite(this.real, address);
    } catch (e) {
      throw new Error(`real trivial-rewrite gave no answer for ${JSON.stringify(address)}: ${(e as Error).message}\n` +
        this.target.maillog().split('\n').slice(-8).join('\n'));
    }
  }

  askReference(address: string): Promise<RewriteAnswers> {
    return askRewrite(this.reference, address);
  }

  async dispose(): Promise<void> {
    this.real.close();
    await this.target.dispose();
  }
}
