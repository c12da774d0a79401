import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * A client that goes away inside the content (smtpd.c smtpd_proto's end-of-session log): the
 * transaction is dropped, nothing is delivered or left in the queue, and smtpd logs "lost
 * connection after DATA (<n> bytes)" — n: the content lines stored so far, each counted
 * plus 2 — or "lost connection after BDAT (<n> bytes)", where n also counts the bytes of the
 * unfinished 4096-byte fragment and the unfinished line.
 */
const x = (n: number) => 'x'.repeat(n);
const scenario: Scenario = {
  id: 'smtpd-security/disconnect-mid-message',
  title: 'the client disconnects in the middle of DATA and of a BDAT chunk',
  description: 'Nothing is queued or delivered; each session ends with "lost connection after DATA/BDAT (n bytes)".',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        { command: 'DATA', expect: 354 },
        { send: `Subject: cut\r\n\r\nfirst line\r\n${x(3000)}\r\nunfinished` },
        { disconnect: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        { send: 'BDAT 20\r\nhello\r\nworld\r\npart12', expect: { code: 250, text: '2.0.0 Ok: 20 bytes' } },
        { send: `BDAT 5000\r\n${x(4100)}` },
        { disconnect: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
  ],
  expect: {
    events: [{ kind: 'disconnect', count: 2 }],
    noEvents: [{ kind: 'delivery' }],
    queue: { count: 0 },
  },
  knownDivergences: [{
    target: 'reference',
    item: 'maillog Q*',
    what: /cleanup\[<pid>\]: Q\d+: message-id=/,
    reason: 'Postfix smtpd streams content to cleanup as it arrives, so cleanup has seen the end of the headers (and logs message-id) '
      + 'of a transaction the client abandons; the reference smtpd hands content to cleanup only at the end and aborts unsent.',
  }],
};
export default scenario;
