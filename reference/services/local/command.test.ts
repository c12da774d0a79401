/**
 * runCommand() past command_time_limit: the outcome Postfix gives, and the warning naming the
 * side pipe_command() was waiting on (the write of the message or the read of the output).
 * A program or directory the command's process cannot use: the texts real Postfix 3.7.11
 * logged for them (local/command-exec, local/command-shell-missing).
 */
import { describe, expect, it } from 'vitest';
import { runCommand } from './command.ts';

const base = { uid: 65534, gid: 65534, env: [] as [string, string][], exportNames: [], shell: '', timeLimitMs: 300 };

describe('command time limit', () => {
  it('a command that reads nothing and says nothing: the read timed out', async () => {
    const o = await runCommand({ ...base, command: 'sleep 5', input: Buffer.from('small message\n') });
    expect(o).toMatchObject({ outcome: 'bounced', dsn: '5.3.0', text: 'Command time limit exceeded: "sleep 5"', warning: 'pipe_command_read: read time limit exceeded' });
  });

  it('a message larger than the pipe that is never read: the write timed out', async () => {
    const o = await runCommand({ ...base, command: 'sleep 5', input: Buffer.alloc(4 * 1024 * 1024, 0x61) });
    expect(o.warning).toBe('pipe_command_write: write time limit exceeded');
  });

  it('no warning when the command finishes in time', async () => {
    const o = await runCommand({ ...base, command: 'cat', input: Buffer.from('x\n') });
    expect(o.outcome).toBe('sent');
    expect(o.warning).toBeUndefined();
  });
});

describe('a command that cannot start', () => {
  const input = Buffer.from('x\n');

  it('a program path that cannot be executed: EX_TEMPFAIL with the fatal line as output', async () => {
    const o = await runCommand({ ...base, command: '/nonexistent/program arg', input });
    expect(o).toEqual({
      outcome: 'deferred', dsn: '4.3.0', text: 'temporary failure. Command output: local: fatal: execvp /nonexistent/program: No such file or directory ',
      diagType: 'x-unix', diagText: 'local: fatal: execvp /nonexistent/program: No such file or directory ',
      fatal: 'execvp /nonexistent/program: No such file or directory',
    });
  });

  it('a local_command_shell that cannot be executed: the fatal line names pipe_command', async () => {
    const o = await runCommand({ ...base, shell: '/nonexistent/shell -c', command: '/bin/true', input });
    expect(o.fatal).toBe('pipe_command: execvp /nonexistent/shell: No such file or directory');
    expect(o.outcome).toBe('deferred');
  });

  it('a command_execution_directory that does not exist: deferred without output', async () => {
    const o = await runCommand({ ...base, command: '/bin/true', cwd: '/nonexistent-dir', input });
    expect(o).toMatchObject({ outcome: 'deferred', dsn: '4.3.0', text: 'temporary failure', fatal: 'cannot change directory to "/nonexistent-dir" for uid=65534 gid=65534: No such file or directory' });
  });

  it('an empty command goes to the shell and succeeds', async () => {
    expect(await runCommand({ ...base, command: '  ', input })).toEqual({ outcome: 'sent', dsn: '2.0.0', text: 'delivered to command:   ' });
  });
});
