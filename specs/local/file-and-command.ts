import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * local(8) delivers alias results that name a file or a command: allow_mail_to_files and
 * allow_mail_to_commands default to "alias, forward". Both run with the rights of
 * default_privs (nobody) because the alias database is owned by root. A file gets the message
 * in mbox format (From_ line, Return-Path, X-Original-To, Delivered-To, >From quoting, an
 * empty line); a command gets it on standard input with the same From_ line and headers.
 * Logged "delivered to file: PATH" and "delivered to command: COMMAND". local(8), aliases(5).
 */
const scenario: Scenario = {
  id: 'local/file-and-command',
  title: 'aliases deliver to a file and to a command',
  description: 'tofile → an mbox file in a 1777 directory; tocmd → a shell command appending its input to a file; env+x.y → a command recording its environment (no HOME or SHELL for an alias).',
  config: withAliases('tofile: {{dropDir}}/filebox\ntocmd: "|/bin/sh -c \'cat >> {{dropDir}}/cmdbox\'"\nenv: "|/bin/sh -c \'{ echo From x  Thu Jan  1 00:00:00 1970; env | sort | sed s/=/:/; } > {{dropDir}}/envbox\'"\n', {
    main: { recipient_delimiter: '+' },
  }),
  steps: [
    oneMessage({
      to: ['tofile@mx.twinpost.test', 'tocmd@mx.twinpost.test', 'env+x.y@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: to a file\r\n\r\nHi there.\r\n',
    }),
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
  ],
  expect: {
    mailboxes: [
      { user: 'drop/filebox', messages: 1, headers: { 'Delivered-To': 'tofile@mx.twinpost.test', 'X-Original-To': 'tofile@mx.twinpost.test', 'Return-Path': '<alice@client.example>', Subject: 'to a file' }, bodyIncludes: ['Hi there.'] },
      // the command's environment, written as "NAME:value" lines after a From_ line (env | sort)
      {
        user: 'drop/envbox', messages: 1, headers: {
          USER: 'env', LOGNAME: 'env', LOCAL: 'env+x.y', EXTENSION: 'x.y', DOMAIN: 'mx.twinpost.test',
          RECIPIENT: 'env+x.y@mx.twinpost.test', ORIGINAL_RECIPIENT: 'env+x.y@mx.twinpost.test', SENDER: 'alice@client.example',
          CLIENT_ADDRESS: '127.0.0.1', CLIENT_HOSTNAME: 'localhost', CLIENT_HELO: 'client.example', CLIENT_PROTOCOL: 'ESMTP',
          PATH: '/usr/bin:/bin', LANG: 'C', MAIL_CONFIG: /\/etc$/, PWD: /\/spool$/,
        },
      },
      { user: 'drop/cmdbox', messages: 1, headers: { 'Delivered-To': 'tocmd@mx.twinpost.test', 'X-Original-To': 'tocmd@mx.twinpost.test', 'Return-Path': '<alice@client.example>', Subject: 'to a file' } },
    ],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'tofile@mx.twinpost.test', relay: 'local', status: 'sent', dsn: '2.0.0', text: /^delivered to file: \/.*\/drop\/filebox$/ },
      { kind: 'delivery', queueId: 'Q1', to: 'tocmd@mx.twinpost.test', relay: 'local', status: 'sent', dsn: '2.0.0', text: /^delivered to command: \/bin\/sh -c 'cat >> \/.*\/drop\/cmdbox'$/ },
      { kind: 'removed', count: 1 },
    ],
    queue: 'empty',
  },
};
export default scenario;
