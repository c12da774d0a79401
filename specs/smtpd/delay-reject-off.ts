import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_delay_reject = no (postconf(5)): the HELO restrictions are applied when HELO/EHLO
 * arrives and the sender restrictions when MAIL FROM arrives, so the rejection is the answer to
 * that command (logged "NOQUEUE: reject: EHLO from ..." and "reject: MAIL from ...") instead of
 * to each RCPT TO. A rejected EHLO leaves the session without a HELO name, so a later
 * MAIL FROM under smtpd_helo_required = yes is refused with 503 "send HELO/EHLO first".
 * The ETRN restrictions (smtpd_etrn_restrictions, check_etrn_access) decide ETRN's domain.
 */
const scenario: Scenario = {
  id: 'smtpd/delay-reject-off',
  title: 'smtpd_delay_reject = no: HELO and MAIL FROM rejected at once; ETRN restrictions',
  description: 'A rejected EHLO name, then a rejected sender, each answered at its own command; an ETRN domain refused by check_etrn_access.',
  config: {
    main: {
      smtpd_delay_reject: 'no',
      smtpd_helo_required: 'yes',
      smtpd_helo_restrictions: 'check_helo_access texthash:$config_directory/helo_access',
      smtpd_sender_restrictions: 'check_sender_access texthash:$config_directory/sender_access',
      smtpd_etrn_restrictions: 'check_etrn_access texthash:$config_directory/etrn_access',
    },
    maps: [
      { name: 'helo_access', content: 'rejected.example REJECT Not you\n' },
      { name: 'sender_access', content: 'spammer@client.example REJECT\n' },
      { name: 'etrn_access', content: 'secret.example REJECT No flushing here\n' },
    ],
  },
  steps: [
    {
      kind: 'smtp', name: 'helo-rejected',
      dialog: [
        { command: 'EHLO rejected.example', expect: { code: 554, text: '5.7.1 <rejected.example>: Helo command rejected: Not you' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: { code: 503, text: '5.5.1 Error: send HELO/EHLO first' } },
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<spammer@client.example>', expect: { code: 554, text: '5.7.1 <spammer@client.example>: Sender address rejected: Access denied' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 503, text: '5.5.1 Error: need MAIL command' } },
        { command: 'ETRN secret.example', expect: { code: 554, text: '5.7.1 <secret.example>: Etrn command rejected: No flushing here' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: accepted\n\nhello\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'EHLO', code: 554, dsn: '5.7.1' },
      { kind: 'reject', stage: 'MAIL', code: 554, from: 'spammer@client.example' },
      { kind: 'reject', stage: 'ETRN', code: 554 },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'accepted' } }],
    queue: 'empty',
  },
};
export default scenario;
