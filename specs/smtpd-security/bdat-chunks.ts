import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * BDAT (RFC 3030) as smtpd(8) takes it: the announced number of bytes is message content,
 * whatever they hold, so a chunk carrying "RSET", "MAIL FROM", "RCPT TO" and "DATA" lines is
 * stored as text and smuggles no second message. Chunks may be pipelined behind their BDAT
 * commands; each non-final chunk is answered "250 2.0.0 Ok: <n> bytes", BDAT LAST with the
 * byte count smtpd counted (each line plus 2) and the queue ID. Chunk content is not
 * dot-unstuffed, a first "From " line is not turned into X-Mailbox-Line: (so it ends the
 * headers, as any non-header line does), a line may run
 * across chunk boundaries, and a bare LF ends a line as in DATA (smtpd_forbid_bare_newline =
 * no in 3.7.11). The message's Received: header says "with ESMTP".
 */
const chunk1 = 'From me\r\nSubject: chunked\r\n\r\nRSET\r\nMAIL FROM:<evil@client.example>\r\n';
const chunk2 = 'RCPT TO:<root@mx.twinpost.test>\r\nDATA\r\n.\r\n..dot\r\nsplit li';
const chunk3 = 'ne\nbare lf\r\nno final newline';

const scenario: Scenario = {
  id: 'smtpd-security/bdat-chunks',
  title: 'BDAT chunks are content: command lines inside a chunk are stored, not run',
  description: 'smtpd reads exactly the announced bytes of each chunk as content (smtpd.c bdat_cmd); only the BDAT LAST transaction is queued, with the smuggled lines in its body.',
  config: { main: {} },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        { send: `BDAT ${chunk1.length}\r\n${chunk1}`, expect: { code: 250, text: `2.0.0 Ok: ${chunk1.length} bytes` } },
        {
          send: `BDAT ${chunk2.length}\r\n${chunk2}BDAT ${chunk3.length} LAST\r\n${chunk3}`,
          expect: { code: 250, text: `2.0.0 Ok: ${chunk2.length} bytes` },
        },
        { reply: { code: 250, text: /^2\.0\.0 Ok: \d+ bytes queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'removed' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 1 }],
    noEvents: [{ kind: 'delivery', to: 'root@mx.twinpost.test' }],
    mailboxes: [{
      user: 'nobody', messages: 1, headers: { Received: /with ESMTP id/ },
      bodyIncludes: ['From me\nSubject: chunked\n\nRSET\nMAIL FROM:<evil@client.example>\nRCPT TO:<root@mx.twinpost.test>\nDATA\n.\n..dot\nsplit line\nbare lf\nno final newline\n'],
    }],
    queue: { count: 0 },
  },
};
export default scenario;
