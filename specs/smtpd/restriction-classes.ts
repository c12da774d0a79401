import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Restriction classes and the generic reject/defer codes (postconf(5)
 * smtpd_restriction_classes, reject, defer, reject_code, defer_code,
 * smtpd_log_access_permit_actions). A class is a main.cf parameter holding a restriction list;
 * an access table value naming it runs that list. "reject" answers reject_code (here 550 instead
 * of 554) "5.7.1 <name>: <class> rejected: Access denied", "defer" answers defer_code (here 451
 * instead of 450) "4.3.2 ... Try again later". smtpd_log_access_permit_actions = static:all logs
 * every permit action ("NOQUEUE: permit: RCPT from ...: action=OK for Sender address=..." and
 * the relay restrictions' permit_mynetworks).
 */
const scenario: Scenario = {
  id: 'smtpd/restriction-classes',
  title: 'restriction classes named in an access table; reject_code and defer_code; permit actions logged',
  description: 'Senders mapped to the classes refuse_all (reject) and hold_all (defer) get reject_code and defer_code replies; a sender mapped to OK and its permit actions are logged.',
  config: {
    main: {
      reject_code: '550',
      defer_code: '451',
      smtpd_restriction_classes: 'refuse_all, hold_all',
      refuse_all: 'reject',
      hold_all: 'defer',
      smtpd_sender_restrictions: 'check_sender_access texthash:$config_directory/sender_access',
      smtpd_log_access_permit_actions: 'static:all',
    },
    maps: [{ name: 'sender_access', content: 'bad@client.example refuse_all\nslow@client.example hold_all\nfriend@client.example OK\n' }],
  },
  steps: [
    {
      kind: 'smtp', name: 'classes',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<bad@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 550, text: '5.7.1 <bad@client.example>: Sender address rejected: Access denied' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<slow@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 451, text: '4.3.2 <slow@client.example>: Sender address rejected: Try again later' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<friend@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: from a friend\n\nhello\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.7.1', from: 'bad@client.example', to: 'nobody@mx.twinpost.test' },
      { kind: 'reject', stage: 'RCPT', code: 451, dsn: '4.3.2', from: 'slow@client.example' },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'from a friend' } }],
    queue: 'empty',
  },
};
export default scenario;
