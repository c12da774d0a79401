import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { relayToRemote } from '../_shared/builders.ts';

/**
 * The MIME encoding of a non-delivery notice (bounce_notify_util.c, Postfix 3.7): with
 * smtputf8_enable = yes every notice is 8bit (addresses and $myhostname may be UTF-8); with
 * smtputf8_enable = no it follows what the original's client declared. BODY=8BITMIME: the
 * notice and its parts say "Content-Transfer-Encoding: 8bit" and the text is charset=utf-8.
 * BODY=7BIT: the notice says "Content-Transfer-Encoding: 7bit" (the built-in template's
 * encoding), its text is charset=us-ascii and its parts declare no encoding. Nothing declared:
 * no Content-Transfer-Encoding anywhere and charset=us-ascii.
 * Written for the mutation campaign: every notice in the other scenarios was an 8bit one.
 */

/** A message from SENDER with MAIL FROM parameter PARAM (or none), refused by the peer. */
function send(sender: string, param: string): Step[] {
  return [
    {
      kind: 'smtp',
      name: `${sender} ${param || 'no BODY='}`,
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: `MAIL FROM:<${sender}@mx.twinpost.test>${param ? ` ${param}` : ''}`, expect: 250 },
        { command: 'RCPT TO:<bob@remote.example>', expect: 250 },
        { data: `Subject: ${param || 'nothing declared'}\r\n\r\nplain ASCII text\r\n`, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: `${sender}@mx.twinpost.test`, status: 'sent' } },
  ];
}

const NOTICE = { Subject: 'Undelivered Mail Returned to Sender' };

const scenario: Scenario = {
  id: 'bounce/notice-encoding',
  title: 'with smtputf8_enable = no a notice is 8bit, 7bit or undeclared as the original was',
  description: 'Three messages refused by the peer at RCPT (550): declared BODY=7BIT (sender nobody), BODY=8BITMIME (daemon) and nothing (bin); each sender\'s notice declares its encoding and charset after the original.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 <bob@remote.example>: no such user' }] } },
  config: relayToRemote({ smtputf8_enable: 'no' }),
  steps: [
    ...send('nobody', 'BODY=7BIT'),
    ...send('daemon', 'BODY=8BITMIME'),
    ...send('bin', ''),
    { kind: 'wait', event: { kind: 'removed' }, count: 6 },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'bob@remote.example', status: 'bounced', dsn: '5.1.1', count: 3 },
      { kind: 'notification', what: 'sender non-delivery notification', count: 3 },
    ],
    mailboxes: [
      {
        user: 'nobody', messages: 1, headers: { ...NOTICE, 'Content-Transfer-Encoding': '7bit' },
        bodyIncludes: [
          'Content-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\nThis is the mail system',
          'Content-Description: Undelivered Message\nContent-Type: message/rfc822\n\nReturn-Path: <nobody@mx.twinpost.test>\n',
        ],
      },
      {
        user: 'daemon', messages: 1, headers: { ...NOTICE, 'Content-Transfer-Encoding': '8bit' },
        bodyIncludes: [
          'Content-Description: Notification\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\nThis is the mail system',
          'Content-Description: Undelivered Message\nContent-Type: message/rfc822\nContent-Transfer-Encoding: 8bit\n\nReturn-Path: <daemon@mx.twinpost.test>\n',
        ],
      },
      {
        user: 'bin', messages: 1, headers: NOTICE,
        bodyIncludes: [
          'Content-Description: Notification\nContent-Type: text/plain; charset=us-ascii\n\nThis is the mail system',
          'Content-Description: Undelivered Message\nContent-Type: message/rfc822\n\nReturn-Path: <bin@mx.twinpost.test>\n',
        ],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
