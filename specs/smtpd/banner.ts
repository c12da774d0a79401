import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_banner (postconf(5)): the text after "220 " in the greeting smtpd sends when a client
 * connects, with $name expansion done when main.cf is read ($myhostname, $mail_name …). The
 * default is "$myhostname ESMTP $mail_name"; a site may change it, and the greeting then says
 * nothing else. The HELO/EHLO replies still begin with $myhostname.
 */
const scenario: Scenario = {
  id: 'smtpd/banner',
  title: 'smtpd_banner: the 220 greeting text, with $myhostname and $mail_name expanded',
  description: 'smtpd_banner = "$myhostname ESMTP ready, $mail_name at your service": the greeting is exactly that text; HELO answers with $myhostname alone.',
  config: { main: { smtpd_banner: '$myhostname ESMTP ready, $mail_name at your service' } },
  steps: [
    {
      kind: 'smtp',
      greeting: { code: 220, text: 'mx.twinpost.test ESMTP ready, Postfix at your service' },
      dialog: [
        { command: 'HELO client.example', expect: { code: 250, text: 'mx.twinpost.test' } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'disconnect', count: 1 }],
    queue: 'empty',
  },
};
export default scenario;
