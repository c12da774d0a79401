import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitDeliveries, oneMessage, withAliases } from '../_shared/builders.ts';

/**
 * Every <sysexits.h> status an alias command can exit with, and a status code at the start of
 * the command's output (local(8) delivering to a command through pipe_command(); the table of
 * sys_exits.c): each status has its own enhanced status code and text, and its class decides
 * between bounce (5.x.x) and deferral (4.x.x). Output that starts with "d.d.d text" gives the
 * code and the text instead; a code of the wrong class is logged as ignored and replaced
 * (bounce_append()'s sanity check: 5.0.0); deferral reasons in the queue listing are the
 * logged text without its trailing blank (bounce_log_read() trims the value). The sender is
 * <> so no bounce notice is queued. Written for the mutation campaign: the table and the
 * output parsing had no scenario.
 */

/** The recipients, one alias each, in the order they are sent and waited for. */
const RECIPIENTS = ['ex64@mx.twinpost.test', 'ex65@mx.twinpost.test', 'ex66@mx.twinpost.test', 'ex68@mx.twinpost.test', 'ex69@mx.twinpost.test', 'ex70@mx.twinpost.test', 'ex71@mx.twinpost.test', 'ex72@mx.twinpost.test', 'ex73@mx.twinpost.test', 'ex74@mx.twinpost.test', 'ex76@mx.twinpost.test', 'ex77@mx.twinpost.test', 'ex78@mx.twinpost.test', 'dsn5@mx.twinpost.test', 'dsn4@mx.twinpost.test', 'dsnbare@mx.twinpost.test', 'dsn2@mx.twinpost.test', 'dsnbad@mx.twinpost.test'];

const scenario: Scenario = {
  id: 'local/command-sysexits',
  title: 'alias commands: every sysexits status, and status codes in the output',
  description: 'Each recipient is an alias for a command that exits with one <sysexits.h> status or prints a status code; the delivery lines show the code and text Postfix derives; the 4.x.x ones stay queued.',
  config: withAliases('ex64: "|/bin/sh -c \'exit 64\'"\nex65: "|/bin/sh -c \'exit 65\'"\nex66: "|/bin/sh -c \'exit 66\'"\nex68: "|/bin/sh -c \'exit 68\'"\nex69: "|/bin/sh -c \'exit 69\'"\nex70: "|/bin/sh -c \'exit 70\'"\nex71: "|/bin/sh -c \'exit 71\'"\nex72: "|/bin/sh -c \'exit 72\'"\nex73: "|/bin/sh -c \'exit 73\'"\nex74: "|/bin/sh -c \'exit 74\'"\nex76: "|/bin/sh -c \'exit 76\'"\nex77: "|/bin/sh -c \'exit 77\'"\nex78: "|/bin/sh -c \'exit 78\'"\ndsn5: "|/bin/sh -c \'echo 5.7.1 not for you; exit 1\'"\ndsn4: "|/bin/sh -c \'echo 4.2.2 mailbox full; exit 1\'"\ndsnbare: "|/bin/sh -c \'echo 5.1.1; exit 1\'"\ndsn2: "|/bin/sh -c \'echo 2.0.0 fine; exit 1\'"\ndsnbad: "|/bin/sh -c \'echo 5.7 short; exit 1\'"\n'),
  steps: [
    oneMessage({
      from: '',
      to: RECIPIENTS,
      rcptReply: '250 2.1.5',
      data: 'From: alice@client.example\r\nSubject: sysexits\r\n\r\nHi.\r\n',
    }),
    // one local(8) process per recipient: wait for each
    ...awaitDeliveries(RECIPIENTS),
    { kind: 'queue', expect: { count: 1, entries: [{ queue_name: 'deferred' }] } },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'ex64@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'command line usage error' },
      { kind: 'delivery', to: 'ex65@mx.twinpost.test', status: 'bounced', dsn: '5.6.0', text: 'data format error' },
      { kind: 'delivery', to: 'ex66@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'cannot open input' },
      { kind: 'delivery', to: 'ex68@mx.twinpost.test', status: 'bounced', dsn: '5.1.2', text: 'host name unknown' },
      { kind: 'delivery', to: 'ex69@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'service unavailable' },
      { kind: 'delivery', to: 'ex70@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'internal software error' },
      { kind: 'delivery', to: 'ex71@mx.twinpost.test', status: 'deferred', dsn: '4.3.0', text: 'system resource problem' },
      { kind: 'delivery', to: 'ex72@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'critical OS file missing' },
      { kind: 'delivery', to: 'ex73@mx.twinpost.test', status: 'bounced', dsn: '5.2.0', text: 'can\'t create user output file' },
      { kind: 'delivery', to: 'ex74@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'input/output error' },
      { kind: 'delivery', to: 'ex76@mx.twinpost.test', status: 'bounced', dsn: '5.5.0', text: 'remote error in protocol' },
      { kind: 'delivery', to: 'ex77@mx.twinpost.test', status: 'bounced', dsn: '5.7.0', text: 'permission denied' },
      { kind: 'delivery', to: 'ex78@mx.twinpost.test', status: 'bounced', dsn: '5.3.5', text: 'local configuration error' },
      // output that starts with a status code gives the code and the rest of the output as the text
      { kind: 'delivery', to: 'dsn5@mx.twinpost.test', status: 'bounced', dsn: '5.7.1', text: 'not for you ' },
      { kind: 'delivery', to: 'dsn4@mx.twinpost.test', status: 'deferred', dsn: '4.2.2', text: 'mailbox full ' },
      { kind: 'delivery', to: 'dsnbare@mx.twinpost.test', status: 'bounced', dsn: '5.1.1', text: '' },
      // a success code on a failure is ignored with a warning (bounce_append's sanity check)
      { kind: 'delivery', to: 'dsn2@mx.twinpost.test', status: 'bounced', dsn: '5.0.0', text: 'fine ' },
      { kind: 'warning', text: 'bounce_append: ignoring dsn code "2.0.0"' },
      // "5.7" is no status code: the output is only quoted
      { kind: 'delivery', to: 'dsnbad@mx.twinpost.test', status: 'bounced', dsn: '5.3.0', text: 'Command died with status 1: "/bin/sh -c \'echo 5.7 short; exit 1\'". Command output: 5.7 short ' },
    ],
    queue: {
      count: 1,
      entries: [{
        queue_name: 'deferred',
        recipients: [{ address: 'dsn4@mx.twinpost.test', delay_reason: 'mailbox full' }, { address: 'ex71@mx.twinpost.test', delay_reason: 'system resource problem' }],
      }],
    },
  },
};
export default scenario;

