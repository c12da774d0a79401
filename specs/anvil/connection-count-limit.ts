import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_client_connection_count_limit = 2: smtpd asks anvil(8) at each connect how many
 * sessions this client has open; the third simultaneous one is greeted with 421 and closed,
 * and smtpd logs a warning. When one session ends (smtpd tells anvil "disconnect"), a new
 * connection is accepted again. smtpd_client_event_limit_exceptions is emptied: by default
 * $mynetworks (which holds 127.0.0.1) is exempt. smtpd(8), anvil(8), postconf(5).
 */
const scenario: Scenario = {
  id: 'anvil/connection-count-limit',
  title: 'the connection count limit refuses a third session and is released when one closes',
  description: 'Two open sessions from 127.0.0.1 are the limit: the third gets "421 4.7.0 mx.twinpost.test Error: too many connections from 127.0.0.1"; after one session quits, a new session gets 220.',
  config: { main: { smtpd_client_connection_count_limit: '2', smtpd_client_event_limit_exceptions: '' } },
  steps: [
    { kind: 'smtp-open', name: 'first', dialog: [{ command: 'EHLO one.example', expect: 250 }] },
    { kind: 'smtp-open', name: 'second', dialog: [{ command: 'EHLO two.example', expect: 250 }] },
    {
      kind: 'smtp',
      name: 'third (over the limit)',
      greeting: { code: 421, text: '4.7.0 mx.twinpost.test Error: too many connections from 127.0.0.1' },
      dialog: [{ expectClose: true }],
    },
    { kind: 'smtp-close', name: 'first' },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
    { kind: 'smtp', name: 'after one closed', dialog: [{ command: 'EHLO four.example', expect: 250 }, { command: 'QUIT', expect: 221 }] },
    { kind: 'smtp-close', name: 'second' },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 4 },
  ],
  expect: {
    events: [{ kind: 'warning', text: 'Connection concurrency limit exceeded: 3 from localhost[127.0.0.1] for service 127.0.0.1:<port>' }],
    queue: 'empty',
  },
  knownDivergences: [
    {
      target: 'reference',
      item: 'maillog postfix/smtpd',
      what: /: disconnect from localhost\[127\.0\.0\.1\] ehlo=1 quit=1 commands=2$/,
      reason: 'real Postfix runs one smtpd process per open session, and the comparison keeps each process\'s lines together (harness/compare/canonical.ts, episodeOrder); the reference logs every service of its one Node process under one pid, so the lines of the two sessions that are open at once cannot be told apart and their "disconnect" lines land in another place',
    },
  ],
};
export default scenario;
