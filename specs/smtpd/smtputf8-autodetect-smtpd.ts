import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * smtputf8_autodetect_classes = smtpd: cleanup(8) requests SMTPUTF8 for mail from smtpd(8) that
 * did not ask for it, as soon as it finds UTF-8 in a header, the sender or a recipient
 * (cleanup_out_header(), cleanup_addr_sender(), cleanup_addr_recipient(), with smtpd's
 * CLEANUP_FLAG_AUTOUTF8). Such mail then needs SMTPUTF8 at the next hop: a peer without it gets
 * nothing and the sender gets a bounce, "SMTPUTF8 is required, but was not offered by host …"
 * (5.6.7). ASCII-only mail is not touched: it reaches the same peer.
 */
const PLAIN_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES'];
const SENDER = 'nobody@mx.twinpost.test';

const scenario: Scenario = {
  id: 'smtpd/smtputf8-autodetect-smtpd',
  title: 'smtputf8_autodetect_classes = smtpd: UTF-8 in a header or a recipient makes smtpd mail need SMTPUTF8',
  description: 'Without MAIL FROM\'s SMTPUTF8, a UTF-8 Subject: and a UTF-8 recipient each make the message bounce (5.6.7) at a peer without SMTPUTF8; an ASCII message is relayed there.',
  sinks: { plain: { extensions: PLAIN_PEER } },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport', smtp_connection_cache_on_demand: 'no',
      smtputf8_autodetect_classes: 'smtpd',
    },
    maps: [{ name: 'transport', content: 'plain.example smtp:{{sink:plain}}\n' }],
  },
  steps: [
    oneMessage({ from: SENDER, to: 'one@plain.example', data: 'Subject: grüße\r\n\r\nheader\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: SENDER, status: 'sent' }, count: 1 },
    oneMessage({ from: SENDER, to: 'jösé@plain.example', data: 'Subject: ascii\r\n\r\nrecipient\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: SENDER, status: 'sent' }, count: 2 },
    oneMessage({ from: SENDER, to: 'three@plain.example', data: 'Subject: ascii\r\n\r\nascii\r\n' }),
    { kind: 'wait-sink', sink: 'plain', messages: 1 },
    { kind: 'queue', expect: 'empty' },
  ],
  expect: {
    deliveries: [{ sink: 'plain', from: SENDER, to: ['three@plain.example'], mailParams: [/^SIZE=\d+$/] }],
    sinkMessages: { plain: 1 },
    mailboxes: [{ user: 'nobody', messages: 2, headers: { Subject: 'Undelivered Mail Returned to Sender' } }],
    events: [
      { kind: 'delivery', to: 'one@plain.example', status: 'bounced', dsn: '5.6.7', text: /^SMTPUTF8 is required, but was not offered by host 127\.0\.0\.1\[127\.0\.0\.1\]/ },
      { kind: 'delivery', to: 'jösé@plain.example', status: 'bounced', dsn: '5.6.7', text: /^SMTPUTF8 is required, but was not offered by host / },
    ],
    queue: 'empty',
  },
};
export default scenario;
