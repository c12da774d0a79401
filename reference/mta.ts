/**
 * The reference MTA's entry point: `twinpost mta -c CONFIG_DIR start|start-fg|stop|reload|status|flush`,
 * used like `postfix -c DIR ...` on a Postfix configuration directory.
 *
 *   start-fg  run master (services/master/master.ts) in this process until SIGTERM/SIGINT;
 *             SIGHUP reloads, SIGUSR1 flushes the queue (what postqueue -f asks for)
 *   start     start a detached child running start-fg; returns once it wrote its pid file
 *   stop      SIGTERM to the running master and wait until it is gone
 *   reload    SIGHUP;  flush  SIGUSR1;  status  exit 0 when running, 1 when not
 *
 * The pid file is $queue_directory/pid/master.pid, as with Postfix. The twinpost command
 * (`twinpost mta`) dispatches here (runMta); the file also runs on its own: `node --import tsx reference/mta.ts ...`.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMainCf } from './config/index.ts';
import { Master } from './services/master/master.ts';

const USAGE = 'usage: twinpost mta -c CONFIG_DIR start|start-fg|stop|reload|status|flush';

function pidFile(configDir: string): string {
  return join(loadMainCf(configDir).get('queue_directory'), 'pid', 'master.pid');
}

function runningPid(configDir: string): number | undefined {
  // Read, not checked then read: a stopping master removes its pid file in between.
  let text: string;
  try {
    text = readFileSync(pidFile(configDir), 'utf8');
  } catch {
    return undefined; // no pid file: not running
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined; // no such process (a stale pid file)
  }
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startForeground(configDir: string): Promise<number> {
  // Signal handlers go in before master logs "daemon started": a flush or stop sent right
  // after readiness must not hit Node's default action (SIGUSR1 and SIGHUP would kill us).
  let master: Master | undefined;
  let stopping = false;
  let flushPending = false;
  const stop = (sig: number) => () => {
    if (stopping) return;
    stopping = true;
    void (master ? master.stop(sig) : Promise.resolve()).finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop(15));
  process.on('SIGINT', stop(2));
  // master(8) sets umask 077 first thing; every daemon, and every command local(8) runs,
  // inherits it (a file a |command creates is mode 0600 under real Postfix).
  process.umask(0o077);
  process.on('SIGHUP', () => {
    master?.reload().catch((err) => master?.logger.warning('master', `reload failed: ${(err as Error).message}`));
  });
  process.on('SIGUSR1', () => {
    if (master) master.flush();
    else flushPending = true;
  });
  master = await Master.start({ configDir });
  if (flushPending) master.flush();
  await new Promise(() => undefined); // run until a signal ends the process
  return 0;
}

/** Run the mta command; returns the exit status. */
export async function runMta(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(`${USAGE}

Runs the reference MTA from a Postfix configuration directory, like postfix -c DIR:
  start     start in the background (pid file $queue_directory/pid/master.pid)
  start-fg  run in the foreground until SIGTERM/SIGINT (SIGHUP reloads, SIGUSR1 flushes)
  stop      stop and wait until it is gone
  reload    re-read main.cf and master.cf
  status    exit 0 when running, 1 when not
  flush     deliver deferred mail now (what postqueue -f asks for)`);
    return 0;
  }
  let configDir = process.env.MAIL_CONFIG ?? '/etc/postfix';
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '-c') configDir = argv[++i];
    else rest.push(argv[i]);
  }
  configDir = resolve(configDir);
  const command = rest[0];
  const pid = (): number | undefined => runningPid(configDir);
  switch (command) {
    case 'start-fg':
      return startForeground(configDir);
    case 'start': {
      if (pid()) {
        console.error(`twinpost mta: the mail system is already running (pid ${pid()})`);
        return 1;
      }
      const self = fileURLToPath(import.meta.url);
      // cwd = the repository, so that "--import tsx" resolves wherever the command was run.
      const child = spawn(process.execPath, ['--import', 'tsx', self, '-c', configDir, 'start-fg'], { cwd: resolve(dirname(self), '..'), detached: true, stdio: 'ignore' });
      child.unref();
      await until('the reference master to start', () => pid() === child.pid, 30_000);
      return 0;
    }
    case 'stop': {
      const p = pid();
      if (!p) {
        console.error('twinpost mta: the mail system is not running');
        return 1;
      }
      process.kill(p, 'SIGTERM');
      await until('the reference master to stop', () => pid() === undefined, 30_000);
      return 0;
    }
    case 'reload':
    case 'flush': {
      const p = pid();
      if (!p) {
        console.error('twinpost mta: the mail system is not running');
        return 1;
      }
      process.kill(p, command === 'reload' ? 'SIGHUP' : 'SIGUSR1');
      return 0;
    }
    case 'status': {
      const p = pid();
      console.log(p ? `twinpost mta: the mail system is running: PID: ${p}` : 'twinpost mta: the mail system is not running');
      return p ? 0 : 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  runMta(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (err) => {
    console.error(`twinpost mta: fatal: ${(err as Error).stack ?? err}`);
    process.exit(1);
  });
}
