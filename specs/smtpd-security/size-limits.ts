import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * message_size_limit (here 3000) where Postfix applies it. MAIL FROM with SIZE= over the limit
 * is "552 5.3.4 Message size exceeds fixed limit". During DATA and BDAT smtpd counts each
 * content line plus 2 bytes (so a bare-LF line costs one byte more than it was sent with) and
 * past the limit keeps reading but stores nothing ("queue file size limit exceeded", "552
 * 5.3.4 Error: message file too big"). A BDAT chunk is refused before it is read when its
 * announced size would pass the limit ("552 5.3.4 Chunk exceeds message size limit"). Content
 * under the limit can still fail in cleanup, whose limit is on the whole queue file
 * (envelope records, smtpd's Received: header and added headers included).
 */
const lines = (n: number, line: string) => line.repeat(n);
const y = `${'y'.repeat(78)}\r\n`;

const scenario: Scenario = {
  id: 'smtpd-security/size-limits',
  title: 'message_size_limit on SIZE=, on DATA and BDAT content, on announced chunks and on the queue file',
  description: 'Each way past message_size_limit gets its 552 reply and nothing is queued; the session goes on.',
  config: { main: { message_size_limit: '3000' } },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> SIZE=3001', expect: { code: 552, text: '5.3.4 Message size exceeds fixed limit' } },
        { command: 'MAIL FROM:<alice@client.example> SIZE=3000', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: `Subject: big\r\n\r\n${lines(40, y)}`, raw: true, expect: { code: 552, text: '5.3.4 Error: message file too big' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: `Subject: queue file\r\n\r\n${lines(33, y)}`, raw: true, expect: { code: 552, text: '5.3.4 Error: message file too big' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { send: `BDAT 3001 LAST\r\n${'z'.repeat(3001)}`, expect: { code: 552, text: '5.3.4 Chunk exceeds message size limit' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { send: `BDAT 2000\r\n${lines(25, y)}`, expect: { code: 250, text: '2.0.0 Ok: 2000 bytes' } },
        { send: `BDAT 1001\r\n${'z'.repeat(1001)}`, expect: { code: 552, text: '5.3.4 Chunk exceeds message size limit' } },
        { send: 'BDAT 5 LAST\r\nzzzzz', expect: { code: 551, text: '5.0.0 Discarded 5 bytes after earlier error' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { send: `BDAT 2404 LAST\r\n${lines(601, 'abc\n')}`, expect: { code: 552, text: '5.3.4 Error: message file too big' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'disconnect', count: 1 }],
    noEvents: [{ kind: 'delivery' }],
    queue: { count: 0 },
  },
};
export default scenario;
