/**
 * postqueue(1) for the reference MTA: `twinpost postqueue -c CONFIG_DIR -p | -j | -f`.
 *
 *   -p  the queue listing (showq's text, as `mailq`), -j  one JSON object per message
 *       (reference/services/showq: the same output as Postfix's postqueue -p / -j);
 *   -f  flush: what mail_flush_deferred() and mail_flush_maildrop() ask for — qmgr scans
 *       everything now (SIGUSR1 to the reference master, whose qmgr.flush() is the "FADI"
 *       trigger) and pickup gets a "W" on public/pickup.
 * As root, real postqueue reads the queue itself when showq is not running (with a warning
 * that the mail system is down); so does this, always — the reference has no showq socket.
 * Errors are "postqueue: fatal: ..." and exit 69 (EX_UNAVAILABLE): Postfix's postqueue turns
 * every fatal error into that status, as here ("Cannot flush mail queue - mail system is down").
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadMainCf } from '../config/index.ts';
import { QueueLayout } from '../queue/layout.ts';
import { publicSocket } from '../protocol/sockets.ts';
import { formatJson, formatText, showq } from '../services/showq/showq.ts';
import { sendTrigger } from '../skeleton/trigger-server.ts';
import type { CommandResult } from './sendmail.ts';

export const EX_UNAVAILABLE = 69;
const USAGE = 'usage: postqueue -f | postqueue -i queueid | postqueue -j | postqueue -p | postqueue -s site';

/** The pid in $queue_directory/pid/master.pid when that process is alive. */
export function masterPid(queueDir: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(queueDir, 'pid', 'master.pid'), 'utf8').trim());
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined; // no pid file, or no such process: the mail system is down
  }
}

export async function postqueueCommand(argv: string[]): Promise<CommandResult> {
  let configDir = process.env.MAIL_CONFIG ?? '/etc/postfix';
  let mode: string | undefined;
  const fatal = (text: string): CommandResult => ({ code: EX_UNAVAILABLE, stdout: '', stderr: `postqueue: fatal: ${text}\n` });
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-c' && i + 1 < argv.length) configDir = argv[++i];
    else if (['-p', '-j', '-f'].includes(a) && !mode) mode = a;
    else if (a === '-s' || a === '-i') return fatal(`${a} is not implemented by the reference`);
    else if (/^-[^-]/.test(a) && !'cfijps'.includes(a[1])) return { ...fatal(USAGE), stderr: `postqueue: invalid option -- '${a[1]}'\n${fatal(USAGE).stderr}` };
    else return fatal(USAGE);
  }
  if (!mode) return fatal(USAGE);
  configDir = resolve(configDir);
  const mainCf = join(configDir, 'main.cf');
  if (!existsSync(mainCf)) return fatal(`open ${mainCf}: No such file or directory`);
  const config = loadMainCf(configDir);
  const queueDir = config.get('queue_directory');
  const pid = masterPid(queueDir);
  if (mode === '-f') {
    if (!pid) {
      const r = fatal('Cannot flush mail queue - mail system is down');
      return { ...r, stderr: `postqueue: warning: unable to look up public/qmgr: No such file or directory\n${r.stderr}` };
    }
    process.kill(pid, 'SIGUSR1');
    await sendTrigger(publicSocket(queueDir, 'pickup'), 'W', 2_000);
    return { code: 0, stdout: '', stderr: '' };
  }
  const layout = new QueueLayout(queueDir, { hashQueueNames: config.list('hash_queue_names'), hashQueueDepth: config.int('hash_queue_depth') });
  const entries = await showq(layout, config.get('empty_address_recipient'));
  const stderr = pid ? '' : 'postqueue: warning: Mail system is down -- accessing queue directly (Connect to the Postfix showq service: No such file or directory)\n';
  return { code: 0, stdout: mode === '-j' ? formatJson(entries) : formatText(entries, config.bool('enable_long_queue_ids')), stderr };
}

/** `twinpost postqueue ...`; returns the exit status. */
export async function postqueueMain(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log('usage: twinpost postqueue -c CONFIG_DIR -p | -j | -f\n' +
      '  the reference MTA\'s queue listing (-p text, -j JSON lines) or flush (-f), as Postfix postqueue(1).');
    return 0;
  }
  const r = await postqueueCommand(argv);
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.code;
}
