import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * The session state after a BDAT chunk that is not the last (smtpd.c bdat_cmd() and
 * smtpd_proto()): smtpd's state is "BDAT content" until a known command comes; an empty line
 * (500 bad syntax) leaves it, an unknown command makes it UNKNOWN. A session that ends in that
 * state logs "lost connection after BDAT (n bytes)", where n adds the content stored so far
 * (each line plus 2), the chunk's unfinished line and the bytes of the command line the end of
 * the connection cut off. A chunk that fails (here: over message_size_limit, each piece of a
 * long line counted plus 2) ends the transaction but leaves the state "BDAT content" too, with
 * nothing stored.
 */
const transaction = [
  { command: 'EHLO client.example', expect: 250 },
  { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
  { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
] as const;

const scenario: Scenario = {
  id: 'smtpd-security/bdat-state-after-chunk',
  title: 'after a BDAT chunk: the state an abnormal end logs',
  description: 'Three sessions end without QUIT after a non-final BDAT chunk: "lost connection after BDAT (12 bytes)", "lost connection after UNKNOWN", and after a failed chunk "lost connection after BDAT (0 bytes)"; nothing is queued.',
  config: { main: { message_size_limit: '3500' } },
  steps: [
    {
      kind: 'smtp',
      name: 'empty line, then a cut-off command',
      dialog: [
        ...transaction,
        // "hello" is stored (5 + 2); "par" waits for the rest of its line.
        { send: 'BDAT 10\r\nhello\r\npar', expect: { code: 250, text: '2.0.0 Ok: 10 bytes' } },
        { send: '\r\n', expect: { code: 500, text: '5.5.2 Error: bad syntax' } },
        { send: 'QU' },
        { disconnect: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    {
      kind: 'smtp',
      name: 'unknown command',
      dialog: [
        ...transaction,
        { send: 'BDAT 10\r\nhello\r\npar', expect: { code: 250, text: '2.0.0 Ok: 10 bytes' } },
        { command: 'XYZZY', expect: { code: 500, text: '5.5.2 Error: command not recognized' } },
        { disconnect: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
    {
      kind: 'smtp',
      name: 'failed chunk',
      dialog: [
        ...transaction,
        // "hello" (7) and a first piece of the long line (2048 + 2) are stored, 952 bytes wait;
        // the next piece (2048 + 2) would pass message_size_limit = 3500.
        { send: `BDAT 3006\r\nhello\n${'x'.repeat(3000)}`, expect: { code: 250, text: '2.0.0 Ok: 3006 bytes' } },
        { send: `BDAT 1200\r\n${'x'.repeat(1199)}\n`, expect: { code: 552, text: '5.3.4 Error: message file too big' } },
        { disconnect: true },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 3 },
  ],
  expect: {
    events: [
      { kind: 'lost-connection', after: 'BDAT', detail: '12 bytes' },
      { kind: 'lost-connection', after: 'UNKNOWN' },
      { kind: 'lost-connection', after: 'BDAT', detail: '0 bytes' },
    ],
    noEvents: [{ kind: 'delivery' }],
    queue: { count: 0 },
  },
};
export default scenario;
