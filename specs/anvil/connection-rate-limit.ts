import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_client_connection_rate_limit = 2 per anvil_rate_time_unit (3 s here): anvil(8)
 * counts connections per client per time unit; the third connection within the unit is
 * greeted with 421 and closed, and smtpd logs a warning. Once the unit has passed, anvil
 * starts a new count and connections are accepted again. smtpd_client_event_limit_exceptions
 * is emptied ($mynetworks would exempt 127.0.0.1). smtpd(8), anvil(8), postconf(5).
 */
const scenario: Scenario = {
  id: 'anvil/connection-rate-limit',
  title: 'the connection rate limit refuses the third connection in a time unit, then releases',
  description: 'Two connections per 3 s: the third gets "421 4.7.0 mx.twinpost.test Error: too many connections from 127.0.0.1"; after the time unit a new connection gets 220.',
  config: { main: { smtpd_client_connection_rate_limit: '2', anvil_rate_time_unit: '3s', smtpd_client_event_limit_exceptions: '' } },
  steps: [
    { kind: 'smtp', name: 'first', dialog: [{ command: 'QUIT', expect: 221 }] },
    { kind: 'smtp', name: 'second', dialog: [{ command: 'QUIT', expect: 221 }] },
    {
      kind: 'smtp',
      name: 'third (over the rate)',
      greeting: { code: 421, text: '4.7.0 mx.twinpost.test Error: too many connections from 127.0.0.1' },
      dialog: [{ expectClose: true }],
    },
    { kind: 'smtp-until', name: 'after the time unit', timeoutMs: 15_000, intervalMs: 500, dialog: [{ command: 'EHLO later.example', expect: 250 }, { command: 'QUIT', expect: 221 }] },
  ],
  expect: {
    events: [{ kind: 'warning', text: 'Connection rate limit exceeded: 3 from localhost[127.0.0.1] for service 127.0.0.1:<port>' }],
    queue: 'empty',
  },
};
export default scenario;
