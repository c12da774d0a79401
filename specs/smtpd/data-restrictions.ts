import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Restrictions at DATA (postconf(5) smtpd_data_restrictions, reject_multi_recipient_bounce with
 * multi_recipient_bounce_reject_code, reject_plaintext_session with plaintext_reject_code).
 * A bounce (null sender) to more than one recipient is refused at DATA with
 * multi_recipient_bounce_reject_code (here 554 instead of 550) "5.5.3 <DATA>: Data command
 * rejected: Multi-recipient bounce"; an unencrypted session is refused with
 * plaintext_reject_code (here 451 instead of 450) "4.7.1 Session encryption is required", here
 * only for one sender, whose check_sender_access entry names the restriction class secret_only.
 * The log lines name the stage DATA and no recipient.
 */
const scenario: Scenario = {
  id: 'smtpd/data-restrictions',
  title: 'smtpd_data_restrictions: multi-recipient bounce, plaintext session',
  description: 'A null-sender message to two recipients is refused at DATA; DATA from a sender that needs encryption is refused; a bounce to one recipient is accepted.',
  config: {
    main: {
      multi_recipient_bounce_reject_code: '554',
      plaintext_reject_code: '451',
      smtpd_restriction_classes: 'secret_only',
      secret_only: 'reject_plaintext_session',
      smtpd_data_restrictions: 'reject_multi_recipient_bounce, check_sender_access texthash:$config_directory/sender_access',
    },
    maps: [{ name: 'sender_access', content: 'secret@client.example secret_only\n' }],
  },
  steps: [
    {
      kind: 'smtp', name: 'stages',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<root@mx.twinpost.test>', expect: '250 2.1.5' },
        { command: 'DATA', expect: { code: 554, text: '5.5.3 <DATA>: Data command rejected: Multi-recipient bounce' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<secret@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { command: 'DATA', expect: { code: 451, text: '4.7.1 Session encryption is required' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: one bounce\n\nreturned\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'DATA', code: 554, dsn: '5.5.3', from: '' },
      { kind: 'reject', stage: 'DATA', code: 451, dsn: '4.7.1', from: 'secret@client.example' },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', count: 1 },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'one bounce' } }],
    queue: 'empty',
  },
};
export default scenario;
