import { ABSENT, type Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * Where local(8) puts a user's mail and which headers it adds (postconf(5) home_mailbox,
 * prepend_delivered_header, enable_original_recipient). With home_mailbox set, a user's mail
 * goes to that file below the user's home directory instead of the spool; nobody's home
 * (/nonexistent) does not exist, so the delivery bounces (5.2.0, the lock file cannot be
 * created) and the spool gets no mailbox for nobody.
 * prepend_delivered_header lists where Delivered-To: is added besides mailboxes: without
 * "file", an alias delivery to a file gets none. With enable_original_recipient = no, the
 * original recipient is not kept: no X-Original-To: header and no orig_to= in the log.
 */
const scenario: Scenario = {
  id: 'local/home-mailbox-headers',
  title: 'home_mailbox, prepend_delivered_header without file, enable_original_recipient = no',
  description: 'An alias delivers to a file (no Delivered-To:, no X-Original-To:); nobody\'s mail goes to $home/Mailbox, which cannot be created, so it bounces.',
  config: withAliases('tofile: {{dropDir}}/filebox\nlist: tofile\n', {
    main: {
      home_mailbox: 'Mailbox',
      prepend_delivered_header: 'forward',
      enable_original_recipient: 'no',
    },
  }),
  steps: [
    oneMessage({
      from: '',
      to: ['list@mx.twinpost.test', 'nobody@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: where to\r\n\r\nHello.\r\n',
    }),
    { kind: 'wait', event: { kind: 'delivery', to: 'tofile@mx.twinpost.test' } },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [
      { user: 'drop/filebox', messages: 1, headers: { 'Return-Path': '<>', Subject: 'where to' } },
    ],
    events: [
      { kind: 'delivery', to: 'tofile@mx.twinpost.test', origTo: 'list@mx.twinpost.test', status: 'sent' },
      {
        kind: 'delivery', to: 'nobody@mx.twinpost.test', origTo: ABSENT, status: 'bounced', dsn: '5.2.0',
        text: 'cannot update mailbox /nonexistent/Mailbox for user nobody. unable to create lock file /nonexistent/Mailbox.lock: No such file or directory',
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
