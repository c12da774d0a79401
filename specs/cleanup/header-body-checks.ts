import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { awaitRelayed } from '../_shared/builders.ts';

/**
 * cleanup(8)'s content inspection (header_checks(5); postconf(5) header_checks, body_checks):
 * each logical header of the primary block (smtpd's own Received: header included) is looked
 * up in header_checks, each body line in body_checks, and the first matching rule's action
 * applies. REJECT refuses the message with its text (5.7.1 put in front when the text has no
 * status code; a 4.x.x code makes it a temporary refusal); DISCARD accepts it and drops it (no message-id line, nothing for qmgr);
 * HOLD accepts it into the hold queue; WARN logs and keeps the line; IGNORE drops the line;
 * REPLACE puts its text in the line's place (with $1 from the pattern); PREPEND inserts its
 * text before the line. Every action but IGNORE is logged as "QID: <action>: header|body
 * <line> from <client>; from=<..> to=<..> proto=.. helo=<..>: <text>".
 */

/** One SMTP transaction with SUBJECT and BODY, answered with REPLY at the end of data. */
function message(subject: string, body: string, reply: number | string, extraHeaders = ''): Step {
  return {
    kind: 'smtp',
    name: subject,
    dialog: [
      { command: 'EHLO client.example', expect: 250 },
      { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
      { command: 'RCPT TO:<bob@far.example>', expect: 250 },
      { data: `${extraHeaders}Subject: ${subject}\r\n\r\n${body}\r\n`, expect: reply },
      { command: 'QUIT', expect: 221 },
    ],
  };
}

const scenario: Scenario = {
  id: 'cleanup/header-body-checks',
  title: 'header_checks and body_checks: REJECT, DISCARD, HOLD, WARN, IGNORE, REPLACE, PREPEND',
  description: 'Six messages: two refused by header rules (5xx and 4xx), one by a body rule, one discarded, one held, and one delivered with a header and a body line dropped, one of each replaced and one of each prepended.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      header_checks: 'regexp:$config_directory/header_checks',
      body_checks: 'regexp:$config_directory/body_checks',
    },
    maps: [
      {
        name: 'header_checks',
        content: [
          '/^Subject: .*reject me/ REJECT no thanks',
          '/^Subject: .*defer me/ REJECT 4.7.0 come back later',
          '/^Subject: .*discard me/ DISCARD dropped on the floor',
          '/^Subject: .*hold me/ HOLD held for review',
          '/^Subject: .*prepend me/ PREPEND X-Tag: tagged',
          '/^X-Warn:/ WARN suspicious header',
          '/^X-Secret:/ IGNORE',
          '/^X-Mailer: (.*)/ REPLACE X-Mailer: replaced $1',
          '',
        ].join('\n'),
      },
      {
        name: 'body_checks',
        content: [
          '/^bad body$/ REJECT 5.7.2 body refused',
          '/^secret line$/ IGNORE',
          '/^replace (.*)$/ REPLACE replaced: $1',
          '/^prepend here$/ PREPEND inserted line',
          '',
        ].join('\n'),
      },
    ],
  },
  steps: [
    message('please reject me', 'one', '550 5.7.1 no thanks'),
    message('please defer me', 'two', '451 4.7.0 come back later'),
    message('fine subject', 'bad body', '550 5.7.2 body refused'),
    message('please discard me', 'three', 250),
    message('please hold me', 'four', 250),
    message('please prepend me', 'first\r\nsecret line\r\nreplace this text\r\nprepend here\r\nlast', 250,
      'X-Warn: look\r\nX-Secret: hidden\r\nX-Mailer: Mutt\r\n'),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'],
        headers: { 'X-Tag': 'tagged', 'X-Warn': 'look', 'X-Mailer': 'replaced Mutt', Subject: 'please prepend me' },
        noHeaders: ['X-Secret'],
        bodyIncludes: ['first\r\nreplaced: this text\r\ninserted line\r\nprepend here\r\nlast\r\n'],
      },
    ],
    sinkMessages: { remote: 1 },
    events: [
      { kind: 'reject', stage: 'header', client: 'localhost[127.0.0.1]', dsn: '5.7.1', text: 'Subject: please reject me: no thanks', from: 'alice@client.example', to: 'bob@far.example' },
      { kind: 'reject', stage: 'body', dsn: '5.7.2', text: 'bad body: body refused' },
      { kind: 'other', text: /^discard: header Subject: please discard me from .*: dropped on the floor$/ },
      { kind: 'other', text: /^hold: header Subject: please hold me from .*: held for review$/ },
      { kind: 'warning', text: /^header X-Warn: look from .*: suspicious header$/ },
      { kind: 'other', text: /^replace: body replace this text from .*: replaced: this text$/ },
    ],
    queue: { count: 1, entries: [{ queue_name: 'hold' }] },
  },
};
export default scenario;
