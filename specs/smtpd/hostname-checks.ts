import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Syntax restrictions on the HELO name and the envelope addresses (postconf(5)
 * reject_invalid_helo_hostname with invalid_hostname_reject_code, reject_non_fqdn_helo_hostname,
 * reject_non_fqdn_sender and reject_non_fqdn_recipient with non_fqdn_reject_code,
 * strict_rfc821_envelopes). Here invalid_hostname_reject_code = 550 (default 501) and
 * non_fqdn_reject_code = 553 (default 504); the enhanced status code's class follows the reply
 * code. With strict_rfc821_envelopes = yes an address without <> is a syntax error (501 5.1.7 /
 * 5.1.3) instead of being accepted.
 */
const scenario: Scenario = {
  id: 'smtpd/hostname-checks',
  title: 'invalid and non-FQDN HELO names, non-FQDN sender and recipient, strict RFC 821 envelopes',
  description: 'Each session breaks one rule and gets its restriction\'s reply at RCPT TO (smtpd_delay_reject = yes); the last one is clean and delivered.',
  config: {
    main: {
      invalid_hostname_reject_code: '550',
      non_fqdn_reject_code: '553',
      strict_rfc821_envelopes: 'yes',
      smtpd_helo_restrictions: 'reject_invalid_helo_hostname, reject_non_fqdn_helo_hostname',
      smtpd_sender_restrictions: 'reject_non_fqdn_sender',
      smtpd_recipient_restrictions: 'reject_non_fqdn_recipient',
    },
  },
  steps: [
    {
      kind: 'smtp', name: 'invalid-helo',
      dialog: [
        { command: 'EHLO bad_name!', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 550, text: '5.5.2 <bad_name!>: Helo command rejected: Invalid name' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    {
      kind: 'smtp', name: 'short-helo',
      dialog: [
        { command: 'HELO client', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 553, text: '5.5.2 <client>: Helo command rejected: need fully-qualified hostname' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    {
      kind: 'smtp', name: 'addresses',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:alice@client.example', expect: { code: 501, text: '5.1.7 Bad sender address syntax' } },
        { command: 'MAIL FROM:<alice>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: { code: 553, text: '5.5.2 <alice>: Sender address rejected: need fully-qualified address' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:nobody@mx.twinpost.test', expect: { code: 501, text: '5.1.3 Bad recipient address syntax' } },
        { command: 'RCPT TO:<nobody@localhost>', expect: { code: 553, text: '5.5.2 <nobody@localhost>: Recipient address rejected: need fully-qualified address' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: fully qualified\n\nhello\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 3 },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.5.2' },
      { kind: 'reject', stage: 'RCPT', code: 553, dsn: '5.5.2', count: 3 },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'fully qualified' } }],
    queue: 'empty',
  },
};
export default scenario;
