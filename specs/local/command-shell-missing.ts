import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * A local_command_shell that cannot be executed (global/pipe_command.c): every command goes to
 * that program, so execvp() of the shell fails in the command's process. It logs "fatal:
 * pipe_command: execvp SHELL: No such file or directory" (naming pipe_command, unlike a failed
 * command without a shell, local/command-exec), writes the same line to its output and exits
 * EX_TEMPFAIL: the recipient is deferred with 4.3.0 "temporary failure" and the line as the
 * command's output.
 */
const scenario: Scenario = {
  id: 'local/command-shell-missing',
  title: 'local_command_shell that does not exist: the command is deferred',
  description: 'local_command_shell = /nonexistent/shell -c; the alias command |/bin/true never runs and its recipient is deferred.',
  config: withAliases('cmd: |/bin/true\n', { main: { local_command_shell: '/nonexistent/shell -c' } }),
  steps: [
    oneMessage({ from: '', to: 'cmd@mx.twinpost.test', rcptReply: '250 2.1.5', data: 'From: alice@client.example\r\nSubject: shell\r\n\r\nHi.\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'cmd@mx.twinpost.test' } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
  ],
  expect: {
    events: [
      { kind: 'fatal', service: 'local', text: 'pipe_command: execvp /nonexistent/shell: No such file or directory' },
      { kind: 'delivery', to: 'cmd@mx.twinpost.test', status: 'deferred', dsn: '4.3.0', text: 'temporary failure. Command output: local: fatal: pipe_command: execvp /nonexistent/shell: No such file or directory ' },
    ],
    queue: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'cmd@mx.twinpost.test' }] }] },
  },
};
export default scenario;
