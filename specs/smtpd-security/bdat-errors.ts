import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * BDAT out of place (smtpd.c bdat_cmd/skip_bdat): before MAIL/RCPT the chunk is still read
 * and dropped before "503 5.5.1 Error: need RCPT command", so a chunk holding "QUIT" is not a
 * command. "BDAT 0" without LAST is "551 5.7.1 Null BDAT request", after which every chunk of
 * the transaction is "551 5.0.0 Discarded <n> bytes after earlier error" until BDAT LAST (or
 * RSET) ends it. Once BDAT has begun, DATA, MAIL and RCPT are refused ("... after BDAT").
 * "BDAT 0 LAST" alone sends an empty message. A malformed BDAT is "521 5.5.4 Syntax: BDAT
 * count [LAST]" and smtpd hangs up, since what follows would be raw content.
 */
const scenario: Scenario = {
  id: 'smtpd-security/bdat-errors',
  title: 'BDAT before RCPT, null chunks, DATA/MAIL/RCPT after BDAT, BDAT 0 LAST, malformed BDAT',
  description: 'Every error reply comes after the announced bytes were read; one empty message is queued; a syntax error ends the session with 521.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { send: 'BDAT 6\r\nQUIT\r\n', expect: { code: 503, text: '5.5.1 Error: need RCPT command' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: { code: 503, text: '5.5.1 Error: MAIL after BDAT' } },
        { send: 'BDAT 4 LAST\r\nNOOP', expect: { code: 551, text: '5.0.0 Discarded 4 bytes after earlier error' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { command: 'BDAT 0', expect: { code: 551, text: '5.7.1 Null BDAT request' } },
        { send: 'BDAT 6\r\nRSET\r\n', expect: { code: 551, text: '5.0.0 Discarded 6 bytes after earlier error' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { send: 'BDAT 4\r\nx\r\ny', expect: { code: 250, text: '2.0.0 Ok: 4 bytes' } },
        { command: 'DATA', expect: { code: 503, text: '5.5.1 Error: DATA after BDAT' } },
        { command: 'RCPT TO:<root@mx.twinpost.test>', expect: { code: 503, text: '5.5.1 Error: RCPT after BDAT' } },
        { command: 'BDAT 0 LAST', expect: { code: 250, text: /^2\.0\.0 Ok: 6 bytes queued as / } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { command: 'bdat 0 last', expect: { code: 250, text: /^2\.0\.0 Ok: 0 bytes queued as / } },
        { command: 'BDAT 12x', expect: { code: 521, text: '5.5.4 Syntax: BDAT count [LAST]' } },
        { expectClose: true },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', status: 'sent' }, count: 2 },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 2 }],
    noEvents: [{ kind: 'delivery', to: 'root@mx.twinpost.test' }],
    mailboxes: [{ user: 'nobody', messages: 2 }],
    queue: { count: 0 },
  },
};
export default scenario;
