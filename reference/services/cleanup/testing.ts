/**
 * Test fixtures shared by the queue-side service tests (cleanup, qmgr, bounce, showq): a temp
 * queue directory, a main.cf view from reference/config, the reference trivial-rewrite, and a
 * Logger that records lines. Not used outside tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMainCf } from '../../config/main-cf.ts';
import { QueueLayout } from '../../queue/layout.ts';
import type { Logger } from '../contracts.ts';
import { createTrivialRewrite } from '../trivial-rewrite/index.ts';
import { createCleanup } from './cleanup.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';

export interface RecordingLogger extends Logger {
  lines: string[];
}

export function recordingLogger(): RecordingLogger {
  const lines: string[] = [];
  return {
    lines,
    info: (service, text) => lines.push(`${service}: ${text}`),
    warning: (service, text) => lines.push(`${service}: warning: ${text}`),
    fatal: (service, text) => lines.push(`${service}: fatal: ${text}`),
  };
}

export interface QueueFixture {
  dir: string;
  layout: QueueLayout;
  config: ReturnType<typeof parseMainCf>;
  logger: RecordingLogger;
  rewrite: ReturnType<typeof createTrivialRewrite>;
  cleanup: ReturnType<typeof createCleanup>;
  dispose(): Promise<void>;
}

export async function queueFixture(mainCf: Record<string, string> = {}, wakeQmgr?: () => void): Promise<QueueFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'twinpost-e-'));
  const main = { myhostname: 'mx.twinpost.test', mydestination: '$myhostname localhost', queue_directory: join(dir, 'queue'), ...mainCf };
  const config = parseMainCf(Object.entries(main).map(([k, v]) => `${k} = ${v}\n`).join(''));
  const layout = new QueueLayout(join(dir, 'queue'), { hashQueueNames: config.list('hash_queue_names'), hashQueueDepth: config.int('hash_queue_depth') });
  await layout.ensureDirs();
  const logger = recordingLogger();
  const rewrite = createTrivialRewrite(config);
  const cleanup = createCleanup({ config, layout, rewrite, logger, wakeQmgr });
  return { dir, layout, config, logger, rewrite, cleanup, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/** Submit one message through cleanup; returns the queue ID. */
export async function submitMessage(
  cleanup: QueueFixture['cleanup'], sender: string, recipients: string[], content: string,
  source: 'smtpd' | 'local-forward' | 'bounce' | 'pickup' = 'smtpd', attributes: Record<string, string> = {},
): Promise<string> {
  const h = await cleanup.open(source);
  const reply = await h.submit({
    source, sender, content: Buffer.from(content), attributes,
    recipients: recipients.map((address) => ({ address, dsnOrcpt: source === 'smtpd' ? `rfc822;${address}` : undefined })),
  });
  if (reply.status !== CLEANUP_STAT.OK) throw new Error(`cleanup status ${reply.status}: ${reply.reason}`);
  return reply.queueId;
}
