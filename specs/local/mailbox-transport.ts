import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage } from '../_shared/builders.ts';

/**
 * Mailbox delivery handed to another transport (postconf(5) mailbox_transport,
 * mailbox_transport_maps; local/mailbox.c, global/deliver_pass.c). Once aliases and .forward
 * files are done with a recipient, local(8) looks the user name up in mailbox_transport_maps,
 * then takes mailbox_transport, and passes the recipient to that transport (a
 * "transport:nexthop" value; logged "passing <ADDR> to transport=NAME"), which delivers and
 * logs it; local(8) itself writes no status line. This happens before the password file is
 * consulted. Here nobody is sent to the error transport with a bounce text of its own, and
 * daemon to the discard transport.
 */

const scenario: Scenario = {
  id: 'local/mailbox-transport',
  title: 'mailbox_transport_maps and mailbox_transport pass the mailbox delivery to another transport',
  description: 'nobody\'s mail is passed to error: (bounced with the map\'s text), daemon\'s to discard: (sent); no mailbox is written.',
  config: {
    main: {
      mailbox_transport_maps: 'texthash:$config_directory/mailbox_transports',
      mailbox_transport: 'discard:kept aside',
    },
    maps: [{ name: 'mailbox_transports', content: 'nobody error:5.2.1 mailbox closed\n' }],
  },
  steps: [
    ...localMessage({ from: '', to: 'nobody@mx.twinpost.test', subject: 'for nobody', removed: 1 }),
    ...localMessage({ from: '', to: 'daemon@mx.twinpost.test', subject: 'for daemon', removed: 2 }),
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 0 }, { user: 'daemon', messages: 0 }],
    events: [
      { kind: 'other', service: 'local', text: 'passing <nobody@mx.twinpost.test> to transport=error' },
      { kind: 'delivery', service: 'error', to: 'nobody@mx.twinpost.test', relay: 'none', status: 'bounced', dsn: '5.2.1', text: 'mailbox closed' },
      { kind: 'other', service: 'local', text: 'passing <daemon@mx.twinpost.test> to transport=discard' },
      { kind: 'delivery', service: 'discard', to: 'daemon@mx.twinpost.test', relay: 'none', status: 'sent', text: 'kept aside' },
    ],
    noEvents: [{ kind: 'delivery', service: 'local' }],
    queue: 'empty',
  },
};
export default scenario;
