import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage } from '../_shared/builders.ts';

/**
 * Mailbox delivery through a command (postconf(5) mailbox_command, mailbox_command_maps;
 * local/mailbox.c, command.c). For a local user that no alias or .forward file took,
 * mailbox_command_maps is looked up by the user name, and a command found there receives the
 * message instead of the mailbox; otherwise mailbox_command does. The command runs with the
 * recipient's rights (not default_privs), is not held to allow_mail_to_commands, gets the
 * From_ line, Return-Path:, X-Original-To: and Delivered-To: in front of the message, and its
 * success is logged as "delivered to command: COMMAND". mailbox_command is taken as written
 * ($USER reaches the shell, not main.cf's $name expansion). Here allow_mail_to_commands is
 * empty, so only the mailbox commands may run; the spool gets no mailbox at all.
 */

const scenario: Scenario = {
  id: 'local/mailbox-command',
  title: 'mailbox_command and mailbox_command_maps deliver with the recipient\'s rights',
  description: 'nobody\'s mail goes to the command mailbox_command_maps names for nobody; daemon\'s to mailbox_command, which writes a file named after $USER.',
  config: {
    main: {
      allow_mail_to_commands: '',
      mailbox_command: 'cat >> {{dropDir}}/commandbox.$USER',
      mailbox_command_maps: 'texthash:$config_directory/mailbox_commands',
    },
    maps: [{ name: 'mailbox_commands', content: 'nobody cat >> {{dropDir}}/mapbox\n' }],
  },
  steps: [
    ...localMessage({ to: 'nobody@mx.twinpost.test', subject: 'for nobody', removed: 1 }),
    ...localMessage({ to: 'daemon@mx.twinpost.test', subject: 'for daemon', removed: 1 }),
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    mailboxes: [
      { user: 'drop/mapbox', messages: 1, headers: { Subject: 'for nobody', 'Delivered-To': 'nobody@mx.twinpost.test', 'X-Original-To': 'nobody@mx.twinpost.test' } },
      { user: 'drop/commandbox.daemon', messages: 1, headers: { Subject: 'for daemon', 'Delivered-To': 'daemon@mx.twinpost.test' } },
    ],
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', text: /^delivered to command: cat >> \S+\/mapbox$/ },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', status: 'sent', text: /^delivered to command: cat >> \S+\/commandbox\.\$USER$/ },
    ],
    queue: 'empty',
  },
};
export default scenario;
