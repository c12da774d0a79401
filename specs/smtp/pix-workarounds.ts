import type { Scenario } from '../../harness/scenario/types.ts';
import { messageToDomain, NO_RETRY_DURING_RUN, routeDomains } from '../_shared/builders.ts';

/**
 * smtp(8)'s Cisco PIX workarounds (postconf(5) smtp_pix_workarounds,
 * smtp_pix_workaround_maps, smtp_pix_workaround_threshold_time,
 * smtp_pix_workaround_delay_time; smtp_proto.c smtp_helo()): a server whose greeting is only
 * "2", "0", "*" and blanks ("220 ****…", a PIX firewall's mask) gets the workarounds
 * smtp_pix_workaround_maps names for its address, else those of smtp_pix_workarounds
 * (default disable_esmtp, delay_dotcrlf), and "QID: enabling PIX workarounds: LIST for
 * HOST[ADDR]:PORT" is logged. disable_esmtp makes the client greet with HELO (so no ESMTP
 * parameters follow MAIL FROM); delay_dotcrlf — pausing smtp_pix_workaround_delay_time
 * before the final "." — applies only to mail queued longer than
 * smtp_pix_workaround_threshold_time (default 500s), so it is dropped from the list for
 * fresh mail and kept when the threshold is 0s (an empty list is still logged).
 */

const ROUTES = {
  'a.example': 'smtp:{{sink:pix}}',
  'b.example': 'pixdelay:{{sink:pix}}',
  'c.example': 'pixmaps:{{sink:pix}}',
};

const scenario: Scenario = {
  id: 'smtp/pix-workarounds',
  title: 'a "220 ****" greeting: HELO with the default workarounds, delay_dotcrlf only past the threshold, the per-address table first',
  description: 'Three messages to a peer greeting like a PIX firewall: the default workarounds send HELO and leave out delay_dotcrlf for fresh mail; smtp_pix_workarounds = delay_dotcrlf keeps EHLO; smtp_pix_workaround_maps names delay_dotcrlf for 127.0.0.1 and, with the threshold at 0s, the pause before "." is made.',
  sinks: { pix: { faults: [{ kind: 'reply', stage: 'connect', reply: '220 ********************************' }] } },
  config: routeDomains(ROUTES, {
    main: NO_RETRY_DURING_RUN,
    master: [
      'pixdelay unix - - n - - smtp -o smtp_pix_workarounds=delay_dotcrlf',
      'pixmaps unix - - n - - smtp -o smtp_pix_workaround_maps=texthash:$config_directory/pix_maps -o smtp_pix_workaround_threshold_time=0s -o smtp_pix_workaround_delay_time=1s',
    ],
    maps: [{ name: 'pix_maps', content: '127.0.0.1 delay_dotcrlf\n' }],
  }),
  steps: [...messageToDomain('a.example'), ...messageToDomain('b.example'), ...messageToDomain('c.example')],
  expect: {
    deliveries: [
      { sink: 'pix', from: 'alice@client.example', to: ['bob@a.example'], mailParams: [], headers: { Subject: 'to a.example' } },
      { sink: 'pix', from: 'alice@client.example', to: ['bob@b.example'], mailParams: [/^SIZE=/], headers: { Subject: 'to b.example' } },
      { sink: 'pix', from: 'alice@client.example', to: ['bob@c.example'], mailParams: [/^SIZE=/], headers: { Subject: 'to c.example' } },
    ],
    events: [
      { kind: 'other', queueId: 'Q1', text: 'enabling PIX workarounds: disable_esmtp for 127.0.0.1[127.0.0.1]:<port>' },
      { kind: 'other', queueId: 'Q2', text: 'enabling PIX workarounds:  for 127.0.0.1[127.0.0.1]:<port>' },
      { kind: 'other', queueId: 'Q3', text: 'enabling PIX workarounds: delay_dotcrlf for 127.0.0.1[127.0.0.1]:<port>' },
      { kind: 'delivery', to: 'bob@a.example', status: 'sent' },
      { kind: 'delivery', to: 'bob@b.example', status: 'sent' },
      { kind: 'delivery', to: 'bob@c.example', status: 'sent' },
    ],
    queue: 'empty',
  },
};
export default scenario;
