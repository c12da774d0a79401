import type { Scenario } from '../../harness/scenario/types.ts';
import { localMessage } from '../_shared/builders.ts';

/**
 * default_delivery_status_filter (postconf(5); dsn_filter(3)): the delivery status filter every
 * delivery agent uses unless its own *_delivery_status_filter says otherwise (each of those
 * defaults to $default_delivery_status_filter). Set only the default, and local(8)'s results
 * are filtered: "2.0.0 delivered to mailbox" becomes "2.0.0 stored for you", and the status of
 * an unknown user "5.1.1 unknown user: ..." becomes "5.1.1 nobody here by that name".
 */
const scenario: Scenario = {
  id: 'local/default-delivery-status-filter',
  title: 'default_delivery_status_filter: local(8) inherits the filter',
  description: 'A message to nobody and to an unknown user (local_recipient_maps empty, so smtpd accepts it): both of local(8)\'s results are logged with the texts the default filter gives.',
  config: {
    main: {
      local_recipient_maps: '',
      default_delivery_status_filter: 'regexp:$config_directory/status_filter',
    },
    maps: [{
      name: 'status_filter',
      content: '/^2\\.0\\.0 delivered to mailbox$/ 2.0.0 stored for you\n/^5\\.1\\.1 unknown user: / 5.1.1 nobody here by that name\n',
    }],
  },
  steps: [
    ...localMessage({ from: '', to: ['nobody@mx.twinpost.test', 'ghost@mx.twinpost.test'], subject: 'default filter' }),
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'default filter' } }],
    events: [
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', dsn: '2.0.0', text: 'stored for you' },
      { kind: 'delivery', to: 'ghost@mx.twinpost.test', status: 'bounced', dsn: '5.1.1', text: 'nobody here by that name' },
    ],
    queue: 'empty',
  },
};
export default scenario;
