/**
 * The daemons of the reference MTA, keyed by master.cf's command name: master starts one for
 * every master.cf entry whose command is listed here and whose type the daemon runs as (see
 * reference/skeleton/daemon.ts); entries of other commands (tlsmgr, showq, virtual, lmtp …)
 * are skipped. Adding a daemon is one folder under services/ plus one line here.
 */
import type { ReferenceDaemon } from './master/shared.ts';
import { anvilDaemon } from './anvil/daemon.ts';
import { discardDaemon } from './discard/daemon.ts';
import { errorDaemon } from './error/daemon.ts';
import { flushDaemon } from './flush/daemon.ts';
import { localDaemon } from './local/daemon.ts';
import { pickupDaemon } from './pickup/daemon.ts';
import { proxymapDaemon } from './proxymap/daemon.ts';
import { qmgrDaemon } from './qmgr/daemon.ts';
import { smtpDaemon } from './smtp/daemon.ts';
import { smtpdDaemon } from './smtpd/daemon.ts';
import { trivialRewriteDaemon } from './trivial-rewrite/daemon.ts';
import { verifyDaemon } from './verify/daemon.ts';

export const DAEMONS: Readonly<Record<string, ReferenceDaemon>> = {
  anvil: anvilDaemon,
  discard: discardDaemon,
  error: errorDaemon,
  flush: flushDaemon,
  local: localDaemon,
  pickup: pickupDaemon,
  proxymap: proxymapDaemon,
  qmgr: qmgrDaemon,
  smtp: smtpDaemon,
  smtpd: smtpdDaemon,
  'trivial-rewrite': trivialRewriteDaemon,
  verify: verifyDaemon,
};

/** The daemon for a master.cf command, if the reference has one. */
export function daemonFor(command: string): ReferenceDaemon | undefined {
  return Object.hasOwn(DAEMONS, command) ? DAEMONS[command] : undefined;
}
