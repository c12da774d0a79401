/**
 * runCommand() past command_time_limit: the outcome Postfix gives, and the warning naming the
 * side pipe_command() was waiting on (the write of the message or the read of the output).
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
