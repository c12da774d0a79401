import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * reject_non_fqdn_recipient (postconf(5), smtpd_check.c): a recipient whose domain has no dot,
 * or that has no domain at all once smtpd has read it, is refused with
 * "504 5.5.2 <address>: Recipient address rejected: need fully-qualified address"
 * (unknown_address_reject_code does not apply: the code is non_fqdn_reject_code, 504). A
 * recipient with a dotted domain passes to the next restriction. Written for the mutation
 * campaign: no scenario used this restriction, so its reply text was never compared.
 */
const scenario: Scenario = {
  id: 'smtpd/non-fqdn-recipient',
  title: 'reject_non_fqdn_recipient: 504 5.5.2 need fully-qualified address',
  description: 'smtpd_recipient_restrictions = reject_non_fqdn_recipient, permit_auth_destination, reject: bob@localhost and a bare "bob" are refused with 504 5.5.2; nobody@mx.twinpost.test is accepted.',
  config: {
    main: { smtpd_recipient_restrictions: 'reject_non_fqdn_recipient, permit_auth_destination, reject' },
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<bob@localhost>', expect: { code: 504, enhanced: '5.5.2', text: '5.5.2 <bob@localhost>: Recipient address rejected: need fully-qualified address' } },
        { command: 'RCPT TO:<bob>', expect: { code: 504, enhanced: '5.5.2', text: '5.5.2 <bob>: Recipient address rejected: need fully-qualified address' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { command: 'RSET', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 504, count: 2 },
    ],
    queue: 'empty',
  },
};
export default scenario;
