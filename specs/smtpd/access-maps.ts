import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Access tables in the HELO, sender and recipient restriction lists (postconf(5)
 * check_helo_access, check_sender_access, check_recipient_access; access(5)). REJECT answers
 * access_map_reject_code (here 553 instead of 554) and DEFER access_map_defer_code (here 452
 * instead of 450), "<name>: <class> rejected: " and the table's text or "Access denied"; a
 * "4xx/5xx text" value is sent with its own code; OK ends the list. The null sender is looked up
 * as smtpd_null_access_lookup_key (here "<null>" instead of "<>"). With smtpd_delay_reject = yes
 * (the default) the HELO and sender restrictions are applied at RCPT TO, so MAIL FROM is
 * accepted and each RCPT gets the rejection, logged "NOQUEUE: reject: RCPT from ...".
 */
const scenario: Scenario = {
  id: 'smtpd/access-maps',
  title: 'check_helo/sender/recipient_access: REJECT, DEFER, numeric codes and OK with non-default codes',
  description: 'Five sessions: a HELO name rejected and one deferred by the table, a sender rejected with the table\'s text, the null sender through smtpd_null_access_lookup_key, a recipient deferred and another accepted.',
  config: {
    main: {
      access_map_reject_code: '553',
      access_map_defer_code: '452',
      smtpd_null_access_lookup_key: '<null>',
      smtpd_helo_restrictions: 'check_helo_access texthash:$config_directory/helo_access',
      smtpd_sender_restrictions: 'check_sender_access texthash:$config_directory/sender_access',
      smtpd_recipient_restrictions: 'check_recipient_access texthash:$config_directory/recipient_access',
    },
    maps: [
      { name: 'helo_access', content: 'rejected.example REJECT\ndeferred.example DEFER\n' },
      { name: 'sender_access', content: 'spammer@client.example REJECT Go away\n<null> 550 5.7.0 No bounces here\nclient.example OK\n' },
      { name: 'recipient_access', content: 'later@mx.twinpost.test DEFER Mailbox being moved\n' },
    ],
  },
  steps: [
    {
      kind: 'smtp', name: 'helo-rejected',
      dialog: [
        { command: 'EHLO rejected.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 553, text: '5.7.1 <rejected.example>: Helo command rejected: Access denied' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    {
      kind: 'smtp', name: 'helo-deferred',
      dialog: [
        { command: 'EHLO deferred.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 452, text: '4.7.1 <deferred.example>: Helo command rejected: Access denied' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    {
      kind: 'smtp', name: 'sender-rejected',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<spammer@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 553, text: '5.7.1 <spammer@client.example>: Sender address rejected: Go away' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 550, text: '5.7.0 <>: Sender address rejected: No bounces here' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    {
      kind: 'smtp', name: 'recipient-deferred',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<later@mx.twinpost.test>', expect: { code: 452, text: '4.7.1 <later@mx.twinpost.test>: Recipient address rejected: Mailbox being moved' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: access maps\n\nhello\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 4 },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 553, dsn: '5.7.1', from: 'alice@client.example', to: 'nobody@mx.twinpost.test' },
      { kind: 'reject', stage: 'RCPT', code: 452, dsn: '4.7.1', to: 'nobody@mx.twinpost.test' },
      { kind: 'reject', stage: 'RCPT', code: 553, from: 'spammer@client.example' },
      { kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.7.0', from: '' },
      { kind: 'reject', stage: 'RCPT', code: 452, to: 'later@mx.twinpost.test' },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'access maps' } }],
    queue: 'empty',
  },
};
export default scenario;
