import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_relay_before_recipient_restrictions (postconf(5); smtpd_check.c smtpd_check_rcpt()):
 * the order of the two recipient lists. With "yes" (the default from compatibility_level 3.6
 * on, which the test instances use) smtpd_relay_restrictions are evaluated first; with "no"
 * smtpd_recipient_restrictions come first. When both refuse a recipient, the order decides which
 * refusal the client gets; a permit in the first list does not skip the second.
 */
const scenario: Scenario = {
  id: 'smtpd/relay-before-recipient-restrictions',
  title: 'smtpd_relay_before_recipient_restrictions = no: the recipient list answers first',
  description: 'Both lists refuse blocked@mx.twinpost.test with their own text: the client gets the recipient list\'s (551). A recipient that only the relay list refuses gets the relay list\'s text, though the recipient list permits it first.',
  config: {
    main: {
      smtpd_relay_before_recipient_restrictions: 'no',
      smtpd_relay_restrictions: 'check_recipient_access regexp:$config_directory/relay_access, permit_mynetworks, reject_unauth_destination',
      smtpd_recipient_restrictions: 'check_recipient_access regexp:$config_directory/rcpt_access',
    },
    maps: [
      { name: 'relay_access', content: '/^(blocked|other)@/ 550 refused by the relay list\n' },
      { name: 'rcpt_access', content: '/^blocked@/ 551 refused by the recipient list\n/^other@/ OK\n' },
    ],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<blocked@mx.twinpost.test>', expect: { code: 551, text: '5.7.1 <blocked@mx.twinpost.test>: Recipient address rejected: refused by the recipient list' } },
        { command: 'RCPT TO:<other@mx.twinpost.test>', expect: { code: 550, text: '5.7.1 <other@mx.twinpost.test>: Recipient address rejected: refused by the relay list' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 551, to: 'blocked@mx.twinpost.test' },
      { kind: 'reject', stage: 'RCPT', code: 550, to: 'other@mx.twinpost.test' },
    ],
    queue: 'empty',
  },
};
export default scenario;
