/**
 * What a daemon is to the reference master (master(8), and the skeletons of Postfix's
 * src/master: single_server, multi_server, trigger_server). A daemon module exports a Daemon:
 * the master.cf service types it runs as, and start(), which master calls once per master.cf
 * entry whose command names it (reference/services/registry.ts), with main.cf as that entry's
 * -o overrides leave it and the services every daemon reaches in-process. The skeletons in this
 * folder build a Daemon from a handler: inetDaemon and deliveryAgentDaemon (single-server.ts),
 * multiServerDaemon (multi-server.ts), triggerServerDaemon (trigger-server.ts).
 */
import type { MainConfig, MasterEntry, MasterServiceType } from '../config/index.ts';
import { privateSocket, publicSocket } from '../protocol/sockets.ts';

/** What master gives a daemon for one master.cf entry. */
export interface DaemonContext<Services> {
  /** The master.cf entry (service name, type, private, wakeup, command, -o options …). */
  entry: MasterEntry;
  /** main.cf with the entry's -o overrides applied. */
  config: MainConfig;
  /** The services a daemon reaches in-process (cleanup, trivial-rewrite, qmgr, proxymap …). */
  services: Services;
}

/** A started daemon. */
export interface RunningDaemon {
  /** Called once every master.cf entry has started: work that needs the others may begin. */
  ready?(): Promise<void>;
  /** `postqueue -f`: look for work now. */
  wake?(): void;
  close(): Promise<void>;
}

export interface Daemon<Services> {
  /** The master.cf service types it runs as; an entry of another type is skipped. */
  readonly types: readonly MasterServiceType[];
  start(ctx: DaemonContext<Services>): Promise<RunningDaemon>;
}

/** The syslog tag of a program: "postfix/<program>", or under a -o syslog_name override "<name>/<program>". */
export function logServiceName(config: MainConfig, program: string): string {
  const name = config.get('syslog_name');
  return name === 'postfix' ? program : `${name}/${program}`;
}

/** Where a unix-domain entry listens: $queue_directory/private/<service>, or public/ for private = n. */
export function entrySocket(ctx: DaemonContext<unknown>): string {
  const queueDirectory = ctx.config.get('queue_directory');
  return (ctx.entry.private ? privateSocket : publicSocket)(queueDirectory, ctx.entry.service);
}
