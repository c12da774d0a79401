import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * How local(8) runs commands (postconf(5) local_command_shell, command_time_limit,
 * command_execution_directory, export_environment, command_expansion_filter). With
 * local_command_shell set, every command is handed to that program (its words, then the
 * command as one argument) instead of being run directly or through /bin/sh — here a
 * restricted shell that refuses some commands. A command still running after
 * command_time_limit is killed (with a warning naming the side that waited) and the recipient
 * bounced (5.3.0). Commands start in command_execution_directory. Only the variables named in export_environment reach them from
 * Postfix's own environment (LANG = C is dropped here). In the variables local(8) sets for
 * the command (LOCAL, EXTENSION, SENDER …), characters outside command_expansion_filter
 * become "_".
 */
const RESTRICTED_SHELL = [
  '# called as: sh smrsh -c COMMAND',
  'case "$2" in',
  '  refuse*) echo "5.7.1 restricted shell refuses: $2"; exit 1;;',
  'esac',
  'exec /bin/sh -c "$2"',
  '',
].join('\n');

const scenario: Scenario = {
  id: 'local/command-settings',
  title: 'local_command_shell, command_time_limit, command_execution_directory, export_environment, command_expansion_filter',
  description: 'Alias commands run through a restricted shell: one is refused, one outlives the time limit, one reports its directory and environment with filtered values.',
  config: {
    main: {
      alias_maps: 'lmdb:$config_directory/aliases',
      recipient_delimiter: '+',
      local_command_shell: '/bin/sh {{configDir}}/smrsh -c',
      command_time_limit: '2s',
      command_execution_directory: '/',
      export_environment: 'TZ',
      command_expansion_filter: 'abcdefghijklmnopqrstuvwxyz',
    },
    maps: [
      { name: 'smrsh', content: RESTRICTED_SHELL },
      {
        name: 'aliases',
        content: [
          'refused: "|refuse this"',
          'slow: "|sleep 30"',
          'where: "|echo 5.3.0 dir=$PWD lang=${LANG-unset} local=$LOCAL extension=$EXTENSION; exit 1"',
          '',
        ].join('\n'),
        build: 'postalias',
      },
    ],
  },
  steps: [
    oneMessage({
      from: '',
      to: ['refused@mx.twinpost.test', 'slow@mx.twinpost.test', 'where+x.y@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'Subject: commands\r\n\r\nHi.\r\n',
    }),
    { kind: 'wait', event: { kind: 'delivery', to: 'refused@mx.twinpost.test' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'where+x.y@mx.twinpost.test' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'slow@mx.twinpost.test' }, timeoutMs: 30000 },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'refused@mx.twinpost.test', status: 'bounced', dsn: '5.7.1', text: 'restricted shell refuses: refuse this ' },
      { kind: 'delivery', to: 'slow@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'Command time limit exceeded: "sleep 30"' },
      // the message was written; the time ran out while waiting for the command's output
      { kind: 'warning', text: 'pipe_command_read: read time limit exceeded' },
      { kind: 'delivery', to: 'where+x.y@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'dir=/ lang=unset local=where_x_y extension=x_y ' },
    ],
    queue: 'empty',
  },
};
export default scenario;
