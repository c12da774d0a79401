/**
 * A minimal configuration directory for a reference MTA started by a test (`twinpost mta -c
 * DIR`): main.cf with every directory below `root`, and a master.cf whose smtpd listens on
 * 127.0.0.1:`port`, with cleanup, qmgr and the delivery agents named in `agents`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const AGENT_LINES: Record<string, string> = {
  smtp: 'smtp unix - - n - - smtp',
  local: 'local unix - n n - - local',
  error: 'error unix - - n - - error',
};

/** Writes ROOT/etc/{main.cf,master.cf}; returns the etc directory. */
export function writeMtaConfig(root: string, port: number, agents: (keyof typeof AGENT_LINES)[]): string {
  const etc = join(root, 'etc');
  mkdirSync(etc);
  writeFileSync(join(etc, 'main.cf'), [
    'compatibility_level = 3.6', `queue_directory = ${root}/spool`, `data_directory = ${root}/data`,
    `maillog_file = ${root}/maillog`, 'myhostname = mx.twinpost.test', 'inet_interfaces = 127.0.0.1', 'alias_maps =',
    `mail_spool_directory = ${root}/mail`, '',
  ].join('\n'));
  writeFileSync(join(etc, 'master.cf'), [
    `127.0.0.1:${port} inet n - n - - smtpd`, 'cleanup unix n - n - 0 cleanup', 'qmgr unix n - n 300 1 qmgr',
    ...agents.map((a) => AGENT_LINES[a]), '',
  ].join('\n'));
  return etc;
}
