import type { Scenario, Step } from '../../harness/scenario/types.ts';

/**
 * Unknown local users handed to another transport (postconf(5) fallback_transport,
 * fallback_transport_maps; local/unknown.c, global/deliver_pass.c). A recipient that is
 * neither an alias nor in the password file is looked up by user name in
 * fallback_transport_maps, then fallback_transport applies, before luser_relay would; local(8)
 * passes it to that transport ("passing <ADDR> to transport=NAME"), which delivers and logs
 * it. Known users still get their mailbox. smtpd takes unknown users here
 * (local_recipient_maps is empty).
 */

/** One message to RCPT, waited for until its delivery is logged and the message removed. */
function message(rcpt: string, subject: string, removed: number): Step[] {
  return [
    {
      kind: 'smtp',
      name: subject,
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<>', expect: 250 },
        { command: `RCPT TO:<${rcpt}>`, expect: '250 2.1.5' },
        { data: `Subject: ${subject}\r\n\r\nHi.\r\n`, expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'delivery', to: rcpt } },
    { kind: 'wait', event: { kind: 'removed' }, count: removed },
  ];
}

const scenario: Scenario = {
  id: 'local/fallback-transport',
  title: 'fallback_transport_maps and fallback_transport take unknown users',
  description: 'ghost (in the map) is passed to error: and bounced; nosuch to discard: (sent); nobody, a known user, gets a mailbox.',
  config: {
    main: {
      local_recipient_maps: '',
      fallback_transport_maps: 'texthash:$config_directory/fallback_transports',
      fallback_transport: 'discard:no such user, dropped',
      luser_relay: 'nobody',
    },
    maps: [{ name: 'fallback_transports', content: 'ghost error:5.1.1 ghost has left\n' }],
  },
  steps: [
    ...message('ghost@mx.twinpost.test', 'for ghost', 1),
    ...message('nosuch@mx.twinpost.test', 'for nosuch', 2),
    ...message('nobody@mx.twinpost.test', 'for nobody', 3),
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'for nobody' } }],
    events: [
      { kind: 'other', service: 'local', text: 'passing <ghost@mx.twinpost.test> to transport=error' },
      { kind: 'delivery', service: 'error', to: 'ghost@mx.twinpost.test', relay: 'none', status: 'bounced', dsn: '5.1.1', text: 'ghost has left' },
      { kind: 'other', service: 'local', text: 'passing <nosuch@mx.twinpost.test> to transport=discard' },
      { kind: 'delivery', service: 'discard', to: 'nosuch@mx.twinpost.test', relay: 'none', status: 'sent', text: 'no such user, dropped' },
      { kind: 'delivery', service: 'local', to: 'nobody@mx.twinpost.test', status: 'sent', text: 'delivered to mailbox' },
    ],
    queue: 'empty',
  },
};
export default scenario;
