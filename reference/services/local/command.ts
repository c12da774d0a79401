/**
 * local(8) delivery to a |command (Postfix's local/command.c with global/pipe_command.c).
 *
 * Called by local.ts for alias, :include: and .forward items that start with "|". The command
 * runs with the given uid/gid (default_privs when the alias database is owned by root), a
 * clean environment (PATH=/usr/bin:/bin, the export_environment variables, then HOME, LOGNAME,
 * USER, SENDER, RECIPIENT, LOCAL, SHELL, DOMAIN, EXTENSION, ORIGINAL_RECIPIENT and the
 * CLIENT_* / SASL_* attributes, each value censored with command_expansion_filter) and gets
 * the message on standard input. Up to 4096 bytes of its output are kept for the reason.
 * Exit status 0 is "sent"; "D.S.N text" output, <sysexits.h> codes (75 EX_TEMPFAIL → deferred)
 * or "Command died with status N" decide the other outcomes, with Postfix's exact texts. Past
 * command_time_limit the command's process group is killed and the caller logs pipe_command()'s
 * warning: the write of the message or the read of the output ran out of time. A program that
 * cannot be executed (a path with "/", or any name through local_command_shell) ends as the
 * command process of Postfix ends: its fatal line, EX_TEMPFAIL, the line as output; a bare name
 * not found falls back to /bin/sh -c, as exec_command() does. A command_execution_directory that
 * cannot be entered ends it the same way, without output.
 */
import { spawn } from 'node:child_process';
import { stat } from 'node:fs/promises';
import { strerror } from './strerror.ts';

export interface CommandRun {
  command: string;
  uid: number;
  gid: number;
  /** Variables set after the clean environment, in order. */
  env: [string, string][];
  /** export_environment names, copied from `imported` (master's import_environment result). */
  exportNames: string[];
  imported?: Record<string, string | undefined>;
  /** local_command_shell ("" = /bin/sh -c only when the command needs a shell). */
  shell: string;
  cwd?: string;
  timeLimitMs: number;
  input: Buffer;
}

export interface CommandOutcome {
  outcome: 'sent' | 'deferred' | 'bounced';
  dsn: string;
  text: string;
  /** A failure's diagnostic for the bounce/defer log (pipe_command()'s dsb_unix(): type x-unix). */
  diagType?: 'x-unix';
  diagText?: string;
  /** A warning local(8) logs on the way (pipe_command()'s time limit: which side was waiting). */
  warning?: string;
  /** The fatal line the command's process logged before it could start the program (execvp failed). */
  fatal?: string;
}

/** pipe_command(): what it logs when the time limit ends the write of the message or the read of the output. */
const WRITE_TIME_LIMIT = 'pipe_command_write: write time limit exceeded';
const READ_TIME_LIMIT = 'pipe_command_read: read time limit exceeded';

/** <sysexits.h> codes 64..78: DSN and text as Postfix's sys_exits table gives them. */
const SYS_EXITS: Record<number, [string, string]> = {
  64: ['5.3.0', 'command line usage error'],
  65: ['5.6.0', 'data format error'],
  66: ['5.3.0', 'cannot open input'],
  67: ['5.1.1', 'user unknown'],
  68: ['5.1.2', 'host name unknown'],
  69: ['5.3.0', 'service unavailable'],
  70: ['5.3.0', 'internal software error'],
  71: ['4.3.0', 'system resource problem'],
  72: ['5.3.0', 'critical OS file missing'],
  73: ['5.2.0', "can't create user output file"],
  74: ['5.3.0', 'input/output error'],
  75: ['4.3.0', 'temporary failure'],
  76: ['5.5.0', 'remote error in protocol'],
  77: ['5.7.0', 'permission denied'],
  78: ['5.3.5', 'local configuration error'],
};

const OUTPUT_LIMIT = 4096;
/** <sysexits.h> EX_TEMPFAIL: the status of a command process whose execvp() failed (its msg_fatal()). */
const EX_TEMPFAIL = 75;
/** The program name the command process's stderr messages start with (msg_vstream: "local: fatal: …"). */
const PROGRAM_NAME = 'local';
/** spawn() errors of fork() itself: pipe_command() answers those "Delivery failed: %m". */
const FORK_ERRORS = new Set(['EAGAIN', 'ENOMEM']);
const PLAIN_COMMAND = /^[0-9!@%\-_=+:,./a-zA-Z \t]*$/;

/** Replace every character of value that is not in allowed with "_". */
export function censor(value: string, allowed: string): string {
  let out = '';
  for (const c of value) out += allowed.includes(c) ? c : '_';
  return out;
}

/** Command output as kept for a reason: tabs and newlines become spaces, other controls "_". */
export function printableOutput(raw: Buffer): string {
  return raw.toString('latin1').replace(/[\t\n]/g, ' ').replace(/[^\x20-\x7e]/g, '_');
}

/**
 * How exec_command() would start the command: argv directly when it needs no shell. A command
 * of blanks only (an alias item "|" alone) names no program, so the shell gets it (and does
 * nothing).
 */
export function commandArgv(command: string, shell: string): string[] {
  if (shell.trim()) return [...shell.trim().split(/[ \t\r\n]+/), command];
  if (PLAIN_COMMAND.test(command) && command.trim() !== '') return command.trim().split(/[ \t]+/);
  return ['/bin/sh', '-c', command];
}

/**
 * What the command's process does when execvp() of `program` fails (pipe_command.c,
 * exec_command.c): it logs a fatal line, which also goes to its stderr (the output pipe), and
 * exits with EX_TEMPFAIL. Through local_command_shell the line names pipe_command().
 */
export function execFailure(command: string, program: string, viaShell: boolean, err: NodeJS.ErrnoException): CommandOutcome {
  const fatal = `${viaShell ? 'pipe_command: ' : ''}execvp ${program}: ${strerror(err)}`;
  const output = printableOutput(Buffer.from(`${PROGRAM_NAME}: fatal: ${fatal}\n`, 'latin1'));
  return { ...commandOutcome(command, EX_TEMPFAIL, null, 0, output, false), fatal };
}

/** Map a finished command to its outcome, as pipe_command() and deliver_command() do. */
export function commandOutcome(command: string, code: number | null, signal: string | null, signalNumber: number, output: string, timedOut: boolean): CommandOutcome {
  const withOutput = output ? `. Command output: ${output}` : '';
  // dsb_unix(): the diagnostic text is the command's output, or the sys_exits text when it said nothing
  const failed = (outcome: 'deferred' | 'bounced', dsn: string, text: string, quiet: string): CommandOutcome => ({ outcome, dsn, text, diagType: 'x-unix', diagText: output || quiet });
  if (timedOut) return failed('bounced', '5.3.0', `Command time limit exceeded: "${command}"${withOutput}`, SYS_EXITS[70][1]);
  if (signal !== null) return failed('deferred', '4.3.0', `Command died with signal ${signalNumber}: "${command}"${withOutput}`, SYS_EXITS[70][1]);
  if (code === 0) return { outcome: 'sent', dsn: '2.0.0', text: `delivered to command: ${command}` };
  const dsnText = /^([245]\.\d{1,3}\.\d{1,3})(?:[ \t]+|$)(.*)$/.exec(output);
  if (dsnText) {
    return { outcome: dsnText[1].startsWith('4') ? 'deferred' : 'bounced', dsn: dsnText[1], text: dsnText[2], diagType: 'x-unix', diagText: dsnText[2] };
  }
  const known = SYS_EXITS[code ?? -1];
  if (known) return failed(known[0].startsWith('4') ? 'deferred' : 'bounced', known[0], `${known[1]}${withOutput}`, known[1]);
  return failed('bounced', '5.3.0', `Command died with status ${code}: "${command}"${withOutput}`, `unknown mail system error ${code}`);
}

/**
 * Why the command's process could not enter `dir` (pipe_command.c's chdir()), or undefined
 * when it is a directory. Node reports a failed chdir as a failed spawn, so this tells the two apart.
 */
async function directoryError(dir: string): Promise<NodeJS.ErrnoException | undefined> {
  try {
    if ((await stat(dir)).isDirectory()) return undefined;
    return Object.assign(new Error(`not a directory: ${dir}`), { code: 'ENOTDIR' });
  } catch (err) {
    return err as NodeJS.ErrnoException; // the answer: stat() says why chdir() failed
  }
}

/**
 * pipe_command(): the command's process could not enter command_execution_directory. It logs
 * a fatal line before its output goes to the pipe and exits EX_TEMPFAIL: deferred, no output.
 */
export function chdirFailure(run: CommandRun, err: NodeJS.ErrnoException): CommandOutcome {
  const fatal = `cannot change directory to "${run.cwd ?? ''}" for uid=${run.uid} gid=${run.gid}: ${strerror(err)}`;
  return { ...commandOutcome(run.command, EX_TEMPFAIL, null, 0, '', false), fatal };
}

/**
 * The outcome of a spawn() that failed, or undefined when the command is to go to /bin/sh -c
 * instead (exec_command(): a bare name execvp() did not find may be a shell built-in).
 */
async function spawnFailure(run: CommandRun, program: string, shellFallback: boolean, err: NodeJS.ErrnoException): Promise<CommandOutcome | undefined> {
  const cwdError = run.cwd === undefined ? undefined : await directoryError(run.cwd);
  if (cwdError) return chdirFailure(run, cwdError);
  if (shellFallback && err.code === 'ENOENT') return undefined;
  if (FORK_ERRORS.has(err.code ?? '')) return { outcome: 'deferred', dsn: '4.3.0', text: `Delivery failed: ${strerror(err)}` };
  return execFailure(run.command, program, run.shell.trim() !== '', err);
}

const SIGNALS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGABRT: 6, SIGFPE: 8, SIGKILL: 9, SIGSEGV: 11, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15 };

export function runCommand(run: CommandRun): Promise<CommandOutcome> {
  const env: Record<string, string> = {};
  for (const name of run.exportNames) {
    const v = (run.imported ?? process.env)[name];
    if (v !== undefined) env[name] = v;
  }
  env.PATH = '/usr/bin:/bin';
  for (const [k, v] of run.env) env[k] = v;
  const privileged = typeof process.getuid === 'function' && process.getuid() === 0;
  const argv = commandArgv(run.command, run.shell);
  return new Promise((resolve) => {
    const start = (args: string[], fallback: boolean): void => {
      const child = spawn(args[0], args.slice(1), {
        env, cwd: run.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'],
        ...(privileged ? { uid: run.uid, gid: run.gid } : {}),
      });
      const chunks: Buffer[] = [];
      let kept = 0;
      const keep = (b: Buffer) => {
        if (kept >= OUTPUT_LIMIT) return;
        chunks.push(b.subarray(0, OUTPUT_LIMIT - kept));
        kept += Math.min(b.length, OUTPUT_LIMIT - kept);
      };
      child.stdout.on('data', keep);
      child.stderr.on('data', keep);
      let timedOut = false;
      let inputWritten = false;
      /** Which side was waiting when the time limit struck. */
      let timeLimitWarning: string | undefined;
      let settled = false;
      const finish = (o: CommandOutcome | undefined) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (o) resolve(o);
      };
      const timer = setTimeout(() => {
        timedOut = true;
        timeLimitWarning = inputWritten ? READ_TIME_LIMIT : WRITE_TIME_LIMIT;
        try { if (child.pid) process.kill(-child.pid, 'SIGKILL'); } catch { /* already gone */ }
      }, run.timeLimitMs);
      child.on('error', (err: NodeJS.ErrnoException) => {
        finish(undefined); // nothing more comes from this child; spawnFailure() decides
        void spawnFailure(run, args[0], fallback, err).then((o) => (o ? resolve(o) : start(['/bin/sh', '-c', run.command], false)));
      });
      child.stdin.on('error', () => undefined); // the command may stop reading early (EPIPE)
      child.stdin.on('finish', () => { inputWritten = true; });
      child.stdin.end(run.input);
      child.on('close', (code, signal) => {
        const output = printableOutput(Buffer.concat(chunks));
        const outcome = commandOutcome(run.command, code, signal, signal ? SIGNALS[signal] ?? 0 : 0, output, timedOut);
        finish(timeLimitWarning ? { ...outcome, warning: timeLimitWarning } : outcome);
      });
    };
    start(argv, argv[0] !== '/bin/sh' && !argv[0].includes('/') && !run.shell.trim());
  });
}
