import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * disable_mime_input_processing = yes (postconf(5); cleanup_message.c MIME_OPT_DISABLE_MIME):
 * cleanup(8) no longer reads the MIME structure, so everything after the primary header block
 * is body text. A part's headers then are body lines: body_checks sees them, while
 * mime_header_checks only ever sees the MIME headers of the primary block.
 */
const scenario: Scenario = {
  id: 'cleanup/disable-mime-input',
  title: 'disable_mime_input_processing = yes: part headers are body lines for body_checks',
  description: 'A part header that mime_header_checks would refuse is refused by body_checks instead; a multipart message without one is relayed.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      disable_mime_input_processing: 'yes',
      mime_header_checks: 'regexp:$config_directory/mime_header_checks',
      body_checks: 'regexp:$config_directory/body_checks',
    },
    maps: [
      { name: 'mime_header_checks', content: '/^Content-Type: application\\/x-evil/ REJECT 5.7.1 evil attachment\n' },
      { name: 'body_checks', content: '/^Content-Type: application\\/x-evil/ REJECT 5.7.2 seen as body text\n' },
    ],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<bob@far.example>', expect: 250 },
        {
          data: 'Subject: evil\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: application/x-evil\r\n\r\nAAAA\r\n--zz--\r\n',
          expect: '550 5.7.2 seen as body text',
        },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<bob@far.example>', expect: 250 },
        {
          data: 'Subject: plain parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\n\r\n--zz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--zz--\r\n',
          expect: 250,
        },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], headers: { Subject: 'plain parts' }, bodyIncludes: ['--zz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--zz--\r\n'] }],
    events: [{ kind: 'reject', stage: 'body', dsn: '5.7.2', text: 'Content-Type: application/x-evil: seen as body text' }],
    queue: 'empty',
  },
};
export default scenario;
