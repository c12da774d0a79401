import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Variable envelope return paths (Postfix's XVERP extension; postconf(5)
 * smtpd_authorized_verp_clients, default_verp_delimiters, verp_delimiter_filter; smtpd.c,
 * qmgr_deliver.c, global/verp_sender.c). smtpd(8) offers XVERP in its EHLO reply, and takes
 * the XVERP parameter of MAIL FROM, only from clients smtpd_authorized_verp_clients matches
 * (here 127.0.0.1, not 127.0.0.2, which gets "555 Unsupported option"). "XVERP" alone means
 * default_verp_delimiters; "XVERP=xy" names two delimiters, each of which must be in
 * verp_delimiter_filter (else 501 5.5.4); the null sender cannot have VERP (503 5.5.4).
 * A VERP message is delivered one recipient at a time, with the sender prefix@origin turned
 * into prefix<d1>user<d2>domain@origin for each recipient. sendmail -V does the same for
 * local submissions.
 */
const scenario: Scenario = {
  id: 'smtpd/xverp',
  title: 'XVERP for authorized clients: delimiters, their filter, one VERP sender per recipient',
  description: 'A VERP message with two recipients reaches the sink twice with per-recipient senders; bad delimiters, a null sender and an unauthorized client are refused; sendmail -V+= gives its own delimiters.',
  sinks: { remote: {} },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      smtpd_authorized_verp_clients: '127.0.0.1',
      default_verp_delimiters: '-=',
      verp_delimiter_filter: '-=+%',
      // the two VERP deliveries go one after the other, each on a connection of its own
      smtp_destination_concurrency_limit: '1',
      smtp_connection_cache_on_demand: 'no',
    },
    maps: [{ name: 'transport', content: 'far.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      name: 'authorized',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<> XVERP', expect: { code: 503, text: '5.5.4 Error: XVERP requires non-null sender' } },
        { command: 'MAIL FROM:<list@client.example> XVERP=ab', expect: { code: 501, text: '5.5.4 Error: XVERP needs two characters from -=+%' } },
        { command: 'MAIL FROM:<list@client.example> XVERP', expect: 250 },
        { command: 'RCPT TO:<carol@far.example>', expect: 250 },
        { command: 'RCPT TO:<dave@far.example>', expect: 250 },
        { data: 'Subject: verp list\r\n\r\nHi.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'remote', messages: 2 },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    {
      kind: 'smtp',
      name: 'not authorized',
      clientAddress: '127.0.0.2',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<list@client.example> XVERP', expect: { code: 555, text: '5.5.4 Unsupported option: XVERP' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'sendmail', args: ['-f', 'list@client.example', '-V+=', 'erin@far.example'], message: 'Subject: verp by sendmail\n\nHi.\n' },
    { kind: 'wait-sink', sink: 'remote', messages: 3 },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'list-carol=far.example@client.example', to: ['carol@far.example'], headers: { Subject: 'verp list' } },
      { sink: 'remote', from: 'list-dave=far.example@client.example', to: ['dave@far.example'], headers: { Subject: 'verp list' } },
      { sink: 'remote', from: 'list+erin=far.example@client.example', to: ['erin@far.example'], headers: { Subject: 'verp by sendmail' } },
    ],
    events: [
      { kind: 'queue-active', from: 'list@client.example', nrcpt: 2 },
      { kind: 'delivery', to: 'carol@far.example', status: 'sent' },
      { kind: 'delivery', to: 'dave@far.example', status: 'sent' },
      { kind: 'delivery', to: 'erin@far.example', status: 'sent' },
    ],
    queue: 'empty',
  },
};
export default scenario;
