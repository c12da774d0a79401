import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * An abandoned transaction leaves the log lines cleanup(8) wrote for the content it had read.
 * smtpd(8) passes the content records to cleanup as they arrive (smtpd.c data_cmd(),
 * bdat_cmd(); its stream to cleanup is buffered and closed, flushing what it holds, by
 * mail_reset() on RSET, QUIT or a lost client), and cleanup handles each header as soon as the
 * next line shows it complete (cleanup_message.c: its message-id is logged then) and adds the
 * missing Message-Id (logging it) as soon as the header block ends. At the end of its input
 * without an end record, cleanup removes the queue file and logs nothing more (cleanup.c,
 * cleanup_api.c cleanup_flush()). So, with the client's headers rewritten in the local context:
 *  - a header line not yet followed by another line, or a line without its LF, logs nothing;
 *  - a header block that ended (empty line, or a line that is not a header) logs the added
 *    message-id, via BDAT then RSET or QUIT as via DATA then a dropped connection;
 *  - a client Message-Id: header logs its message-id once the next header starts, not before;
 *  - after RSET the next transaction of the session gets a new queue ID and is delivered.
 * Nothing stays in the queue.
 */
const opening = envelope({ to: 'nobody@mx.twinpost.test' });
const bdat = (content: string) => ({ send: `BDAT ${Buffer.byteLength(content, 'latin1')}\r\n${content}`, expect: { code: 250, text: `2.0.0 Ok: ${Buffer.byteLength(content, 'latin1')} bytes` } });
const dataThenDrop = (content: string) => [{ send: 'DATA\r\n', expect: 354 }, { send: content }, { disconnect: true as const }];

/** The sessions, one after the other: each waits for the previous one's "disconnect" line. */
const sessions: { name: string; dialog: Extract<Step, { kind: 'smtp' }>['dialog'] }[] = [
  { name: 'bdat-partial-line-quit', dialog: [...opening, bdat('Subject: he'), { command: 'QUIT', expect: 221 }] },
  { name: 'bdat-header-line-quit', dialog: [...opening, bdat('Subject: hello\r\n'), { command: 'QUIT', expect: 221 }] },
  {
    name: 'bdat-body-rset-then-next',
    dialog: [
      ...opening, bdat('Subject: first\r\n\r\nbody\r\n'), { command: 'RSET', expect: 250 },
      { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
      { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
      { data: 'Subject: second\r\n\r\nsecond body\r\n', expect: 250 },
      { command: 'QUIT', expect: 221 },
    ],
  },
  { name: 'data-drop-mid-header', dialog: [...opening, ...dataThenDrop('Subject: x\r\nFrom: a')] },
  { name: 'data-drop-mid-body', dialog: [...opening, ...dataThenDrop('Subject: x\r\n\r\nbody li')] },
  { name: 'data-drop-after-own-id', dialog: [...opening, ...dataThenDrop('Message-Id: <own1@client.example>\r\nSubject: s\r\n')] },
  { name: 'data-drop-own-id-last', dialog: [...opening, ...dataThenDrop('Subject: s\r\nMessage-Id: <own2@client.example>\r\n')] },
  { name: 'bdat-own-id-body-quit', dialog: [...opening, bdat('Message-Id: <own3@client.example>\r\n\r\nbody\r\n'), { command: 'QUIT', expect: 221 }] },
  { name: 'bdat-non-header-line-quit', dialog: [...opening, bdat('no header here\r\n'), { command: 'QUIT', expect: 221 }] },
];

const scenario: Scenario = {
  id: 'smtpd-security/abandoned-content',
  title: 'an abandoned transaction keeps the message-id lines cleanup logged for the content it read',
  description: 'smtpd streams content records to cleanup; cleanup logs a header\'s message-id once the header is complete and the added one once the header block ends, then removes the file at the end of its input (RSET, QUIT, lost client).',
  config: { main: {} },
  steps: [
    ...sessions.flatMap((s, i): Step[] => [
      { kind: 'smtp', name: s.name, dialog: s.dialog },
      { kind: 'wait', event: { kind: 'disconnect' }, count: i + 1 },
    ]),
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    events: [
      { kind: 'client', count: 10 },
      // The first transaction of bdat-body-rset-then-next, its second one, data-drop-mid-body, bdat-non-header-line-quit.
      { kind: 'message-id', messageId: /^<<time>\.Q\d+@mx\.twinpost\.test>$/, count: 4 },
      { kind: 'message-id', messageId: '<own1@client.example>', count: 1 },
      { kind: 'message-id', messageId: '<own3@client.example>', count: 1 },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 1 },
    ],
    noEvents: [{ kind: 'message-id', messageId: '<own2@client.example>' }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'second' } }],
    queue: 'empty',
  },
};
export default scenario;
