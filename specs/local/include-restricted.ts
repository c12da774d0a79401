import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * allow_mail_to_files and allow_mail_to_commands default to "alias, forward": a /file or
 * |command listed in an :include: file is refused ("mail to file is restricted", "mail to
 * command is restricted", 5.7.1) while the same items directly in the alias are delivered.
 * local(8), aliases(5).
 */
const scenario: Scenario = {
  id: 'local/include-restricted',
  title: ':include: files may not name files or commands by default',
  description: 'inc → :include: file with a /file and a |command (both bounced); direct → the same file, delivered.',
  config: {
    main: { alias_maps: 'lmdb:$config_directory/aliases' },
    maps: [
      { name: 'members', content: '# members\n{{dropDir}}/incbox\n|/bin/true\n' },
      { name: 'aliases', content: 'inc: :include:{{configDir}}/members\ndirect: {{dropDir}}/incbox\n', build: 'postalias' },
    ],
  },
  steps: [
    oneMessage({
      from: '',
      to: ['inc@mx.twinpost.test', 'direct@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: members\r\n\r\nHi.\r\n',
    }),
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
  ],
  expect: {
    mailboxes: [{ user: 'drop/incbox', messages: 1, headers: { 'Delivered-To': 'direct@mx.twinpost.test' } }],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'inc@mx.twinpost.test', relay: 'local', status: 'bounced', dsn: '5.7.1', text: 'mail to file is restricted' },
      { kind: 'delivery', queueId: 'Q1', to: 'inc@mx.twinpost.test', relay: 'local', status: 'bounced', dsn: '5.7.1', text: 'mail to command is restricted' },
      { kind: 'delivery', queueId: 'Q1', to: 'direct@mx.twinpost.test', relay: 'local', status: 'sent', dsn: '2.0.0', text: /^delivered to file: \/.*\/drop\/incbox$/ },
    ],
    queue: 'empty',
  },
};
export default scenario;
