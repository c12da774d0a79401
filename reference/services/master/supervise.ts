/**
 * master(8)'s view of an in-process service "process": started on first use, and throttled
 * when it dies at start-up. Used by the reference master for trivial-rewrite: its first request
 * runs the service's startup(); when that fails the service logs "fatal: <reason>", master logs
 * "warning: process DAEMON_DIR/NAME pid N exit status 1" and "warning: DAEMON_DIR/NAME: bad
 * command startup -- throttling", and every request fails with ServiceUnavailable until
 * $service_throttle_time has passed (then the next request tries the start-up again).
 * Clients treat ServiceUnavailable as "cannot talk to the service now" (cleanup keeps the
 * message where it was: pickup leaves it in maildrop/). master(8) "service_throttle_time".
 */
import type { Logger } from '../contracts.ts';

/** A request to a service that master is throttling (it could not start). */
export class ServiceUnavailable extends Error {
  constructor(readonly service: string) {
    super(`${service} service is unavailable (throttled by master)`);
    this.name = 'ServiceUnavailable';
  }
}

export interface SuperviseOptions {
  /** Service (and log) name, e.g. "trivial-rewrite". */
  service: string;
  /** $daemon_directory, for master's warnings. */
  daemonDirectory: string;
  /** $service_throttle_time in seconds. */
  throttleSeconds: number;
  logger: Logger;
  /** The service's start-up; a rejection is the process exiting with a fatal error. */
  startup: () => Promise<void>;
  /** Process id to show in master's warning (the reference has one process). */
  pid?: number;
  now?: () => number;
}

/** Returns `ready()`: resolves when the service runs, rejects with ServiceUnavailable otherwise. */
export function supervise(opts: SuperviseOptions): () => Promise<void> {
  const now = opts.now ?? Date.now;
  let state: 'down' | 'up' = 'down';
  let starting: Promise<void> | undefined;
  let throttledUntil = 0;
  const command = `${opts.daemonDirectory}/${opts.service}`;

  const start = async (): Promise<void> => {
    try {
      await opts.startup();
      state = 'up';
    } catch (err) {
      opts.logger.fatal(opts.service, (err as Error).message);
      opts.logger.warning('master', `process ${command} pid ${opts.pid ?? process.pid} exit status 1`);
      opts.logger.warning('master', `${command}: bad command startup -- throttling`);
      throttledUntil = now() + opts.throttleSeconds * 1000;
      throw new ServiceUnavailable(opts.service);
    }
  };

  return async () => {
    if (state === 'up') return;
    if (starting) return starting;
    if (now() < throttledUntil) throw new ServiceUnavailable(opts.service);
    starting = start().finally(() => {
      starting = undefined;
    });
    return starting;
  };
}
