import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * A syntax error in command_execution_directory (local/command.c, util/mac_parse.c): a "${"
 * without its "}" is a truncated macro reference. local(8) logs that warning and "bad parameter
 * value syntax for command_execution_directory", runs no command and defers the recipient
 * (4.3.5 mail system configuration error); an attribute without a value is no error
 * (local/command-exec). A syntax error in a forward_path entry — the same truncated reference,
 * or a "$" followed by no name ("empty macro name") — only makes local(8) warn and skip the
 * entry; "$$" is a literal "$", no error (the entry "/$$user" names a file that does not exist
 * and is skipped quietly). The user gets the mail in the mailbox.
 */
const scenario: Scenario = {
  id: 'local/command-directory-syntax',
  title: 'syntax errors in command_execution_directory and forward_path',
  description: 'command_execution_directory = /${extension: the alias command is not run, the recipient is deferred; forward_path = /${user, /var/$, /$$user: the first two skipped with a warning each, the third quietly; nobody gets the message in the mailbox.',
  config: withAliases('cmd: |/bin/true\n', { main: { command_execution_directory: '/${extension', forward_path: '/${user, /var/$, /$$user' } }),
  steps: [
    oneMessage({
      from: '',
      to: ['cmd@mx.twinpost.test', 'nobody@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: syntax\r\n\r\nHi.\r\n',
    }),
    { kind: 'wait', event: { kind: 'delivery', to: 'cmd@mx.twinpost.test' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test' } },
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'cmd@mx.twinpost.test' }] }] } },
  ],
  expect: {
    events: [
      { kind: 'warning', service: 'local', text: 'truncated macro reference: "/${extension"' },
      { kind: 'warning', service: 'local', text: 'bad parameter value syntax for command_execution_directory: /${extension' },
      { kind: 'delivery', to: 'cmd@mx.twinpost.test', status: 'deferred', dsn: '4.3.5', text: 'mail system configuration error' },
      { kind: 'warning', service: 'local', text: 'truncated macro reference: "/${user"' },
      { kind: 'warning', service: 'local', text: 'empty macro name: "/var/$"' },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', text: 'delivered to mailbox' },
    ],
    // "$$" is no syntax error
    noEvents: [{ kind: 'warning', text: /\$\$user/ }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'syntax' } }],
    queue: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'cmd@mx.twinpost.test', delay_reason: 'mail system configuration error' }] }] },
  },
};
export default scenario;
