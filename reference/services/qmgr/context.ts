/**
 * What every part of qmgr(8) works with: the main.cf view, the queue directory, the services it
 * asks (trivial-rewrite, bounce), the logger and the clock, in one QmgrContext built once by
 * createQmgr (qmgr.ts) and handed to message.ts, resolve.ts, deliver.ts, results.ts and scan.ts;
 * plus the per-transport parameter lookup with its default_* fallback (qmgr_transport.c,
 * postconf(5) transport_destination_concurrency_limit and friends). Serves no requests itself.
 */
import type { Logger, TrivialRewriteClient } from '../contracts.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import type { BounceService } from '../bounce/bounce.ts';

export interface QmgrParams {
  get(name: string): string;
  int(name: string): number;
  bool(name: string): boolean;
  time(name: string): number;
  list(name: string): string[];
  /** Does main.cf (or its defaults) know this parameter? */
  has(name: string): boolean;
}

export interface QmgrDeps {
  config: QmgrParams;
  layout: QueueLayout;
  rewrite: TrivialRewriteClient;
  bounce: BounceService;
  logger: Logger;
  clock?: () => number;
}

export interface QmgrContext {
  readonly cfg: QmgrParams;
  readonly layout: QueueLayout;
  readonly rewrite: TrivialRewriteClient;
  readonly bounce: BounceService;
  readonly logger: Logger;
  /** Wall clock in ms. */
  readonly clock: () => number;
}

/** The name qmgr's own log lines carry. */
export const SERVICE = 'qmgr';

/**
 * Who logs a recipient qmgr defers without a delivery attempt (dead destination, defer_transports,
 * transport unavailable, resolver failure): qmgr redirects it to the retry service
 * (QMGR_REDIRECT to MAIL_SERVICE_RETRY), which is error(8), so the line is error's.
 */
export const RETRY_LOGGER = 'error';

export function qmgrContext(deps: QmgrDeps): QmgrContext {
  return { cfg: deps.config, layout: deps.layout, rewrite: deps.rewrite, bounce: deps.bounce, logger: deps.logger, clock: deps.clock ?? Date.now };
}

/** Per-transport parameter with the default_* fallback (e.g. smtp_destination_recipient_limit). */
export function transportParam(cfg: QmgrParams, transport: string, suffix: string): number {
  const name = `${transport}_${suffix}`;
  return cfg.int(cfg.has(name) ? name : `default_${suffix}`);
}
