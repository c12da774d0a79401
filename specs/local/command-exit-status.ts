import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * The exit status of an alias command decides the recipient's fate (local(8), pipe_command):
 * 0 is sent, EX_TEMPFAIL (75) defers the recipient (the message stays queued), any other
 * status bounces it. The command's output is part of the reason. The sender is <> so no
 * bounce notice is queued.
 */
const scenario: Scenario = {
  id: 'local/command-exit-status',
  title: 'alias command exit status: 0 sent, 75 deferred, other bounced',
  description: 'ok → exit 0; later → exit 75 (EX_TEMPFAIL); nope → exit 67 after printing a line; false → /bin/false (status 1).',
  config: withAliases('ok: "|/bin/sh -c \'cat > /dev/null\'"\nlater: "|/bin/sh -c \'exit 75\'"\nnope: "|/bin/sh -c \'echo no such user here; exit 67\'"\nfalse: |/bin/false\n'),
  steps: [
    oneMessage({
      from: '',
      to: ['ok@mx.twinpost.test', 'later@mx.twinpost.test', 'nope@mx.twinpost.test', 'false@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: commands\r\n\r\nHi.\r\n',
    }),
    // real Postfix runs one local(8) process per recipient: wait for all three
    { kind: 'wait', event: { kind: 'delivery', to: 'ok@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'later@mx.twinpost.test', status: 'deferred' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nope@mx.twinpost.test', status: 'bounced' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'false@mx.twinpost.test', status: 'bounced' } },
    // until qmgr has moved the message to deferred/ with only "later" left
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'later@mx.twinpost.test' }] }] } },
  ],
  expect: {
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'ok@mx.twinpost.test', relay: 'local', status: 'sent', dsn: '2.0.0', text: "delivered to command: /bin/sh -c 'cat > /dev/null'" },
      { kind: 'delivery', queueId: 'Q1', to: 'later@mx.twinpost.test', relay: 'local', status: 'deferred', dsn: '4.3.0', text: 'temporary failure' },
      { kind: 'delivery', queueId: 'Q1', to: 'nope@mx.twinpost.test', relay: 'local', status: 'bounced', dsn: '5.1.1', text: 'user unknown. Command output: no such user here ' },
      // not a <sysexits.h> code; the command needs no shell, so it is run directly
      { kind: 'delivery', queueId: 'Q1', to: 'false@mx.twinpost.test', relay: 'local', status: 'bounced', dsn: '5.3.0', text: 'Command died with status 1: "/bin/false"' },
    ],
    // the null sender gets no bounce notice; the message stays for "later"
    queue: { count: 1, entries: [{ queue_name: 'deferred', recipients: [{ address: 'later@mx.twinpost.test', delay_reason: 'temporary failure' }] }] },
  },
};
export default scenario;
