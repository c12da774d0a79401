import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitDeliveries, oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * How local(8) starts an alias command (global/pipe_command.c, exec_command.c). A command of
 * plain characters is run directly, its words as argv; a command that is empty or blanks only
 * (an alias item "|" alone, or quoted "|  ") names no program, so it goes to /bin/sh -c, which
 * does nothing and exits 0: "delivered to command: " with the blanks. A program path with "/"
 * that cannot be executed gets no shell fallback: the command's process logs "fatal: execvp
 * PATH: No such file or directory" (also on its output) and exits EX_TEMPFAIL, so the recipient
 * is deferred (4.3.0 temporary failure). Commands start in command_execution_directory, here
 * "/${extension}": for an address without an extension the attribute expands to nothing and the
 * command runs in "/" (only a syntax error defers, local/command-directory-syntax). The values
 * expanded there are censored with execution_directory_expansion_filter (here without "-", so
 * "nonexistent-dir" becomes "nonexistent_dir"), not command_expansion_filter. A directory that
 * does not exist ends the command's process before it starts: a fatal line, no output, the
 * recipient deferred. Written for the mutation campaign: no scenario had an empty command or a
 * program that is not there.
 */

/** The recipients, one alias each, in the order they are sent and waited for. */
const RECIPIENTS = ['bare@mx.twinpost.test', 'blank@mx.twinpost.test', 'missing@mx.twinpost.test', 'where@mx.twinpost.test', 'where+tmp@mx.twinpost.test'];

const scenario: Scenario = {
  id: 'local/command-exec',
  title: 'empty alias commands, a program that is not there, command_execution_directory with an unset attribute, its filter, a missing directory',
  description: 'bare: | and blank: "|  " succeed through the shell; missing: "|/nonexistent/program arg" is deferred by the failed execvp; where and where+tmp report the directory they ran in (/ and /tmp); where+nonexistent-dir is deferred: /nonexistent_dir does not exist.',
  config: withAliases([
    'bare: |',
    'blank: "|  "',
    'missing: "|/nonexistent/program arg"',
    'where: "|/bin/sh -c \'echo dir=$PWD; exit 64\'"',
    '',
  ].join('\n'), {
    main: {
      recipient_delimiter: '+',
      command_execution_directory: '/${extension}',
      // the default without "-": "nonexistent-dir" becomes "nonexistent_dir"
      execution_directory_expansion_filter: '1234567890!@%_=+:,./abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ',
    },
  }),
  steps: [
    oneMessage({
      from: '',
      to: RECIPIENTS,
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: commands\r\n\r\nHi.\r\n',
    }),
    // real Postfix runs one local(8) process per recipient: wait for each
    ...awaitDeliveries(RECIPIENTS),
    // until qmgr has moved the message to deferred/ with only "missing" left
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'missing@mx.twinpost.test' }] }] } },
    // a message of its own: two deferred recipients of one message would be listed in the order
    // their local(8) processes finished, which varies from run to run
    oneMessage({ from: '', to: 'where+nonexistent-dir@mx.twinpost.test', rcptReply: '250 2.1.5', data: 'From: alice@client.example\r\nSubject: no directory\r\n\r\nHi.\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'where+nonexistent-dir@mx.twinpost.test' } },
    { kind: 'queue', expect: { count: 2, entries: [{ queue_name: 'deferred', recipients: [{ address: 'missing@mx.twinpost.test' }] }, { queue_name: 'deferred', recipients: [{ address: 'where+nonexistent-dir@mx.twinpost.test' }] }] } },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'bare@mx.twinpost.test', status: 'sent', dsn: '2.0.0', text: 'delivered to command: ' },
      { kind: 'delivery', to: 'blank@mx.twinpost.test', status: 'sent', dsn: '2.0.0', text: 'delivered to command:   ' },
      { kind: 'fatal', service: 'local', text: 'execvp /nonexistent/program: No such file or directory' },
      { kind: 'delivery', to: 'missing@mx.twinpost.test', status: 'deferred', dsn: '4.3.0', text: 'temporary failure. Command output: local: fatal: execvp /nonexistent/program: No such file or directory ' },
      { kind: 'delivery', to: 'where@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'command line usage error. Command output: dir=/ ' },
      { kind: 'delivery', to: 'where+tmp@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'command line usage error. Command output: dir=/tmp ' },
      { kind: 'fatal', service: 'local', text: 'cannot change directory to "/nonexistent_dir" for uid=65534 gid=65534: No such file or directory' },
      { kind: 'delivery', to: 'where+nonexistent-dir@mx.twinpost.test', status: 'deferred', dsn: '4.3.0', text: 'temporary failure' },
    ],
    // the null sender gets no bounce notice; the messages stay for the deferred recipients
    queue: {
      count: 2,
      entries: [
        { queue_name: 'deferred', recipients: [{ address: 'missing@mx.twinpost.test' }] },
        { queue_name: 'deferred', recipients: [{ address: 'where+nonexistent-dir@mx.twinpost.test', delay_reason: 'temporary failure' }] },
      ],
    },
  },
};
export default scenario;
