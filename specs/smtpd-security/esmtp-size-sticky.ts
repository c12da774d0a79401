import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * SIZE= across a refused MAIL FROM. smtpd(8) keeps the SIZE= value it parsed in its session
 * state, and only mail_reset() (after a transaction ends: RSET, HELO/EHLO, end of DATA) clears
 * it; a MAIL refused for its size (552 5.3.4 "Message size exceeds fixed limit") does not. So the
 * next MAIL FROM without SIZE= is refused for the same size until RSET; after RSET it is taken.
 */
const MAIL = 'MAIL FROM:<alice@client.example>';
const tooBig = { code: 552, text: '5.3.4 Message size exceeds fixed limit' };

const scenario: Scenario = {
  id: 'smtpd-security/esmtp-size-sticky',
  title: 'a SIZE= refused by message_size_limit sticks to the next MAIL FROM until RSET',
  description: 'MAIL FROM with SIZE over message_size_limit gets 552 5.3.4; so does the next MAIL FROM without SIZE; after RSET it gets 250.',
  config: { main: { message_size_limit: '100000' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: `${MAIL} SIZE=200000`, expect: tooBig },
        { command: MAIL, expect: tooBig },
        { command: `${MAIL} SIZE=300000 FOO`, expect: { code: 555, text: '5.5.4 Unsupported option: FOO' } },
        { command: `${MAIL} SIZE=1000`, expect: 250 },
        { command: 'RSET', expect: 250 },
        { command: `${MAIL} SIZE=200000`, expect: tooBig },
        { command: 'RSET', expect: 250 },
        { command: MAIL, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'reject', count: 3 }],
    queue: 'empty',
  },
};
export default scenario;
