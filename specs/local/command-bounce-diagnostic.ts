import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * What the sender's non-delivery notice says about a failed alias command (local(8) delivering
 * through pipe_command(), sys_exits.c, bounce(8)): the notice's delivery-status part gives the
 * status and, as "Diagnostic-Code: x-unix; …", the command's own diagnostic — for an exit
 * status <sysexits.h> does not know, the command's output, or "unknown mail system error N"
 * when it printed nothing; for a known status its text (69, EX_UNAVAILABLE: "service
 * unavailable"); for output that starts with a status code, the rest of that output. The
 * human-readable part quotes the logged reason. Written for the mutation campaign: the other
 * command scenarios send from <> and look at the log only, so the diagnostic texts were never
 * compared.
 */
const scenario: Scenario = {
  id: 'local/command-bounce-diagnostic',
  title: 'alias commands that fail: the diagnostic codes in the sender\'s notice',
  description: 'nobody@mx.twinpost.test sends one message to four aliases whose commands print a line and exit 1, exit 2, exit 69, and print "5.7.1 not for you" and exit 1; one notice in nobody\'s mailbox lists the four with their diagnostics.',
  config: withAliases('ex1: "|/bin/sh -c \'echo cannot do it; exit 1\'"\nex2: "|/bin/sh -c \'exit 2\'"\nex69: "|/bin/sh -c \'exit 69\'"\ndsn5: "|/bin/sh -c \'echo 5.7.1 not for you; exit 1\'"\n', {
    main: {
      // one delivery at a time, so the bounce log (and the notice) lists them in one order
      local_destination_concurrency_limit: '1',
    },
  }),
  steps: [
    oneMessage({
      from: 'nobody@mx.twinpost.test',
      to: ['ex1@mx.twinpost.test', 'ex2@mx.twinpost.test', 'ex69@mx.twinpost.test', 'dsn5@mx.twinpost.test'],
      rcptReply: '250 2.1.5',
      data: 'From: nobody@mx.twinpost.test\r\nSubject: commands\r\n\r\nHi.\r\n',
    }),
    { kind: 'wait', event: { kind: 'notification', what: 'sender non-delivery notification' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'ex1@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'Command died with status 1: "/bin/sh -c \'echo cannot do it; exit 1\'". Command output: cannot do it ' },
      { kind: 'delivery', to: 'ex2@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'Command died with status 2: "/bin/sh -c \'exit 2\'"' },
      { kind: 'delivery', to: 'ex69@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'service unavailable' },
      { kind: 'delivery', to: 'dsn5@mx.twinpost.test', status: 'bounced', dsn: '5.7.1', text: 'not for you ' },
    ],
    mailboxes: [{
      user: 'nobody', messages: 1,
      headers: { Subject: 'Undelivered Mail Returned to Sender' },
      bodyIncludes: [
        'Diagnostic-Code: x-unix; cannot do it',
        'Diagnostic-Code: x-unix; unknown mail system error 2',
        'Diagnostic-Code: x-unix; service unavailable',
        'Diagnostic-Code: x-unix; not for you',
      ],
    }],
    queue: 'empty',
  },
};
export default scenario;
