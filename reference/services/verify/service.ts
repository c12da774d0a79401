/**
 * Wiring of verify(8) for the reference master: the cache store address_verify_map names
 * (in memory when it is empty, like Postfix's internal:verify; otherwise the writable table of
 * reference/services/proxymap, read and written directly for a plain table or as proxywrite
 * would for proxy:…), probes submitted through cleanup as Postfix's post_mail does (sender
 * $address_verify_sender, post_mail's Received: and Date: lines and no body, trace_flags =
 * DEL_REQ_FLAG_MTA_VRFY), and the
 * private/verify socket.
 */
import type { MainConfig } from '../../config/index.ts';
import { privateSocket } from '../../protocol/sockets.ts';
import type { RunningServer } from '../../skeleton/multi-server.ts';
import type { CleanupClient, Logger } from '../contracts.ts';
import type { WritableTables } from '../proxymap/proxymap.ts';
import { createVerify, memoryStore, serveVerify, verifyParams, type VerifyClient, type VerifyStore } from './verify.ts';
import { DEL_REQ_FLAG_MTA_VRFY } from '../../global/deliver-request.ts';
import { MAIL_ATTR_TRACE_FLAGS } from '../../global/mail-proto.ts';
import { mailDate } from '../../global/mail-date.ts';
import { smtputf8Autodetect } from '../../global/smtputf8.ts';

/** The sender of probes: $address_verify_sender, qualified with $myorigin ("" stays the null sender). */
export function probeSender(config: MainConfig): string {
  const s = config.get('address_verify_sender');
  if (s === '' || s === '<>') return '';
  return s.includes('@') ? s : `${s}@${config.get('myorigin')}`;
}

/**
 * A probe's content: no body, only the header lines post_mail_init() writes for all mail a
 * Postfix daemon posts — "Received: by $myhostname ($mail_name)", its id and date, and Date:
 * (cleanup adds Message-Id: and From:).
 */
export function probeContent(config: MainConfig, queueId: string, now: number): Buffer {
  const date = mailDate(now);
  return Buffer.from(`Received: by ${config.get('myhostname')} (${config.get('mail_name')})\n\tid ${queueId}; ${date}\nDate: ${date}\n`, 'latin1');
}

export function verifyStore(config: MainConfig, writable: WritableTables): VerifyStore {
  const map = config.get('address_verify_map').trim();
  if (!map) return memoryStore();
  const t = writable.get(map.replace(/^(proxy:)+/, ''));
  return { get: async (k) => t.get(k), put: async (k, v) => t.put(k, v), delete: async (k) => void t.delete(k) };
}

export async function startVerifyService(opts: {
  config: MainConfig;
  queueDirectory: string;
  cleanup: CleanupClient;
  writable: WritableTables;
  logger: Logger;
  listen?: boolean;
}): Promise<{ verify: VerifyClient; close(): Promise<void> }> {
  const sender = probeSender(opts.config);
  // verify(8) posts one probe at a time, before it answers the next request: probes are
  // chained so that they enter the queue in the order they were asked for.
  let probes: Promise<void> = Promise.resolve();
  const sendProbe = (address: string) => {
    probes = probes.then(async () => {
      const h = await opts.cleanup.open('bounce');
      await h.submit({
        source: 'bounce',
        sender,
        recipients: [{ address }],
        content: probeContent(opts.config, h.queueId, Math.floor(Date.now() / 1000)),
        attributes: { [MAIL_ATTR_TRACE_FLAGS]: String(DEL_REQ_FLAG_MTA_VRFY) },
        flags: { autoSmtputf8: smtputf8Autodetect(opts.config.get('smtputf8_autodetect_classes'), 'verify') },
      });
    }).catch((e: Error) => opts.logger.warning('verify', `probe for ${address}: ${e.message}`));
  };
  const verify = createVerify({ params: verifyParams(opts.config), store: verifyStore(opts.config, opts.writable), sendProbe });
  const server: RunningServer | undefined = (opts.listen ?? true) ? await serveVerify(privateSocket(opts.queueDirectory, 'verify'), verify) : undefined;
  // the agents' client carries the setting verify_append() reads on their side
  const client: VerifyClient = { query: verify.query, update: verify.update, negativeCache: opts.config.bool('address_verify_negative_cache') };
  return { verify: client, close: async () => void (await server?.close()) };
}
