import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage } from '../_shared/builders.ts';

/**
 * Unknown local users handed to another transport (postconf(5) fallback_transport,
 * fallback_transport_maps; local/unknown.c, global/deliver_pass.c). A recipient that is
 * neither an alias nor in the password file is looked up by user name in
 * fallback_transport_maps, then fallback_transport applies, before luser_relay would; local(8)
 * passes it to that transport ("passing <ADDR> to transport=NAME"), which delivers and logs
 * it. Known users still get their mailbox. smtpd takes unknown users here
 * (local_recipient_maps is empty).
 */

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
    ...localMessage({ from: '', to: 'ghost@mx.twinpost.test', subject: 'for ghost', removed: 1 }),
    ...localMessage({ from: '', to: 'nosuch@mx.twinpost.test', subject: 'for nosuch', removed: 2 }),
    ...localMessage({ from: '', to: 'nobody@mx.twinpost.test', subject: 'for nobody', removed: 3 }),
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
