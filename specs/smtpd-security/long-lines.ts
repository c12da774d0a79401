import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * line_length_limit (2048) as smtp_get() applies it. A command line longer than the limit is
 * cut there and the rest up to LF skipped ("request longer than 2048" warning), so the
 * skipped part is never a command. Content lines are never cut: DATA and BDAT pass a longer
 * line on in pieces of 2048 bytes and the message keeps it whole — lines of 2047, 2048, 2049
 * and 5000 bytes, a CR as the 2048th byte before LF (still CRLF) and before other text (kept),
 * and in BDAT a long line that runs across fragment and chunk boundaries.
 */
const x = (n: number) => 'x'.repeat(n);
const body = [x(2047), x(2048), x(2049), x(5000), `${x(2047)}`, `${x(2047)}\rtail`].join('\r\n') + '\r\n';
const chunk1 = `Subject: long bdat\r\n\r\n${x(2047)}\r`;
const chunk2 = `\n${x(4000)}`;
const chunk3 = `${x(3000)}\r\n${x(2047)}\rmore\r\n`;

const scenario: Scenario = {
  id: 'smtpd-security/long-lines',
  title: 'overlong command lines are cut and skipped; long content lines pass whole through DATA and BDAT',
  description: 'Commands: cut at line_length_limit, the rest skipped; content: split into 2048-byte pieces that join again in the delivered message.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { send: `NOOP ${x(2043)}QUIT\r\n`, expect: { code: 250, text: '2.0.0 Ok' } },
        { send: `NOOP ${x(2044)}QUIT\r\nRSET\r\n`, expect: { code: 250, text: '2.0.0 Ok' } },
        { reply: { code: 250, text: '2.0.0 Ok' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: `Subject: long data\r\n\r\n${body}`, raw: true, expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { send: `BDAT ${chunk1.length}\r\n${chunk1}`, expect: 250 },
        { send: `BDAT ${chunk2.length}\r\n${chunk2}`, expect: 250 },
        { send: `BDAT ${chunk3.length} LAST\r\n${chunk3}`, expect: { code: 250, text: /^2\.0\.0 Ok: \d+ bytes queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', status: 'sent' }, count: 2 },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 2 },
      { kind: 'disconnect', count: 1 },
    ],
    mailboxes: [{ user: 'nobody', messages: 2, bodyIncludes: [`${x(2047)}\n`] }],
    queue: { count: 0 },
  },
};
export default scenario;
