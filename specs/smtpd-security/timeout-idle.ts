import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * smtpd_timeout (here 2s): a client silent that long between commands, or inside a BDAT
 * chunk, gets "421 4.4.2 <myhostname> Error: timeout exceeded" and is disconnected; smtpd
 * logs "timeout after EHLO" or "timeout after BDAT (<n> bytes)", and nothing is queued.
 */
const scenario: Scenario = {
  id: 'smtpd-security/timeout-idle',
  title: 'an idle client times out between commands and inside a BDAT chunk',
  description: 'smtpd_timeout ends each session with 421 4.4.2; the unfinished transaction is dropped.',
  config: { main: { smtpd_timeout: '2s' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { reply: { code: 421, text: '4.4.2 mx.twinpost.test Error: timeout exceeded' } },
        { expectClose: true },
      ],
    },
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        { send: 'BDAT 100\r\nSubject: slow\r\n' },
        { reply: { code: 421, text: '4.4.2 mx.twinpost.test Error: timeout exceeded' } },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
  ],
  expect: {
    events: [{ kind: 'disconnect', count: 2 }],
    noEvents: [{ kind: 'delivery' }],
    queue: { count: 0 },
  },
};
export default scenario;
