import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * A restriction list that names a restriction smtpd does not know (a typo in main.cf): smtpd(8)
 * logs 'warning: unknown smtpd restriction: "NAME"' when it reaches the name and answers the
 * recipient "451 4.3.5 Server configuration error" (smtpd_check.c, reject_server_error()), so
 * mail is deferred, not lost, until the configuration is fixed. Names before it still decide:
 * a permit earlier in the list never reaches the unknown name. A configuration error is of the
 * "software" class, which notify_classes names by default: at the end of the session the
 * postmaster (error_notice_recipient, here the local user nobody) gets the transcript of the
 * session from double-bounce (smtpd_chat.c smtpd_chat_notify()).
 */
const scenario: Scenario = {
  id: 'smtpd/unknown-restriction',
  title: 'an unknown restriction name: a warning and 451 4.3.5 Server configuration error',
  description: 'smtpd_relay_restrictions = permit_auth_destination, reject_unauth_destinaton (misspelt), reject: a local recipient is permitted first, a remote one reaches the unknown name.',
  config: {
    main: {
      mynetworks: '192.0.2.0/24',
      smtpd_relay_restrictions: 'permit_auth_destination, reject_unauth_destinaton, reject',
      error_notice_recipient: 'nobody',
    },
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test', rcptReply: '250 2.1.5' }),
        { command: 'RCPT TO:<bob@far.example>', expect: { code: 451, text: '4.3.5 Server configuration error' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent' } },
  ],
  expect: {
    events: [
      { kind: 'warning', text: 'unknown smtpd restriction: "reject_unauth_destinaton"', count: 1 },
      { kind: 'reject', stage: 'RCPT', code: 451 },
      { kind: 'queue-active', from: 'double-bounce@mx.twinpost.test', nrcpt: 1 },
    ],
    mailboxes: [{
      user: 'nobody', messages: 1,
      headers: { Subject: 'Postfix SMTP server: errors from localhost[127.0.0.1]', From: 'Mail Delivery System <MAILER-DAEMON@mx.twinpost.test>' },
      bodyIncludes: ['Transcript of session follows.\n\n Out: 220 mx.twinpost.test ESMTP Postfix\n In:  EHLO client.example\n', ' In:  RCPT TO:<bob@far.example>\n Out: 451 4.3.5 Server configuration error\n', 'For other details, see the local mail logfile\n'],
    }],
  },
};
export default scenario;
