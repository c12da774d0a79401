import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * soft_bounce = yes as smtpd(8) applies it (postconf(5) soft_bounce; smtpd_chat.c,
 * smtpd_check.c): every 5xx reply smtpd sends becomes 4xx, its enhanced status code too, so a
 * client keeps the mail and tries again instead of bouncing it. Restriction rejections are
 * also logged with the 4xx code ("NOQUEUE: reject: RCPT from ...: 450 4.1.1 ..."), protocol
 * errors ("500 5.5.2 Error: command not recognized") become "400 4.5.2".
 */
const scenario: Scenario = {
  id: 'smtpd/soft-bounce-replies',
  title: 'soft_bounce: smtpd\'s 5xx replies sent and logged as 4xx',
  description: 'An unknown local recipient, a relay attempt and an unknown command, each answered with 4xx; the known recipient is still accepted.',
  config: {
    main: {
      soft_bounce: 'yes',
      mynetworks: '192.0.2.0/24',
      smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination',
    },
  },
  steps: [
    {
      kind: 'smtp', name: 'soft',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'FROB', expect: { code: 400, text: '4.5.2 Error: command not recognized' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<nosuchuser@mx.twinpost.test>', expect: { code: 450, text: '4.1.1 <nosuchuser@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' } },
        { command: 'RCPT TO:<victim@foreign.example>', expect: { code: 454, text: '4.7.1 <victim@foreign.example>: Relay access denied' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'Subject: soft\n\nhello\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 450, dsn: '4.1.1', to: 'nosuchuser@mx.twinpost.test' },
      { kind: 'reject', stage: 'RCPT', code: 454, dsn: '4.7.1', to: 'victim@foreign.example' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'soft' } }],
    queue: 'empty',
  },
};
export default scenario;
