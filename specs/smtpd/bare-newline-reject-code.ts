import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitDisconnectAndDelivery, envelope } from '../_shared/builders.ts';

/**
 * smtpd_forbid_bare_newline_reject_code (postconf(5); smtpd.c, Postfix 3.7.10 and later): the
 * reply code smtpd uses when smtpd_forbid_bare_newline = reject refuses a line that ends in a
 * bare LF (default 550). Here 554: a message whose content has a bare LF is refused at the end
 * of DATA with "554 5.5.2 $myhostname Error: bare <LF> received" and logged as a reject; the
 * session goes on, and a later message with CRLF line ends is queued. The exclusions
 * (smtpd_forbid_bare_newline_exclusions, default $mynetworks) are emptied so that the loopback
 * client is not exempt.
 */
const scenario: Scenario = {
  id: 'smtpd/bare-newline-reject-code',
  title: 'smtpd_forbid_bare_newline_reject_code = 554: a bare LF in DATA refused with 554',
  description: 'With smtpd_forbid_bare_newline = reject and no exclusions, a bare LF in the message content gets 554 5.5.2 (the configured code); a clean message after it is queued and delivered.',
  config: {
    main: {
      smtpd_forbid_bare_newline: 'reject',
      smtpd_forbid_bare_newline_exclusions: '',
      smtpd_forbid_bare_newline_reject_code: '554',
    },
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ to: 'nobody@mx.twinpost.test' }),
        { data: 'Subject: bare lf\nfirst line\r\n', raw: true, expect: { code: 554, text: '5.5.2 mx.twinpost.test Error: bare <LF> received' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: clean\r\n\r\nfirst line\r\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitDisconnectAndDelivery('nobody@mx.twinpost.test'),
  ],
  expect: {
    // The reject line has no reply code (log_whatsup()), so the parser keeps it as text.
    events: [{ kind: 'other', text: /^reject: END-OF-MESSAGE from localhost\[127\.0\.0\.1\]: bare <LF> received; from=<alice@client\.example> to=<nobody@mx\.twinpost\.test>/ }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'clean' } }],
    queue: 'empty',
  },
};
export default scenario;
