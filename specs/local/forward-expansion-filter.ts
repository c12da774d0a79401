import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, RCPT_ACCEPTED } from '../_shared/builders.ts';

/**
 * forward_expansion_filter (postconf(5); local/dotforward.c): in the $name values that
 * forward_path entries are expanded with, every character outside the filter becomes "_".
 * Here the filter lacks ".", so for nobody+team.b the entry
 * $config_directory/fwd.${extension} names the file "fwd.team_b", whose address the mail is
 * forwarded to; the file "fwd.team.b" (what the default filter would find) is not used.
 * Literal text of the entry (the directory's own dots and dashes) is not filtered.
 */
const scenario: Scenario = {
  id: 'local/forward-expansion-filter',
  title: 'forward_expansion_filter replaces characters of ${extension} in forward_path',
  description: 'Mail to nobody+team.b is forwarded by the file fwd.team_b, not by fwd.team.b.',
  sinks: { remote: {} },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      recipient_delimiter: '+',
      forward_path: '{{configDir}}/fwd.${extension}',
      forward_expansion_filter: 'abcdefghijklmnopqrstuvwxyz_',
    },
    maps: [
      { name: 'transport', content: 'far.example smtp:{{sink:remote}}\n' },
      { name: 'fwd.team_b', content: 'filtered@far.example\n' },
      { name: 'fwd.team.b', content: 'unfiltered@far.example\n' },
    ],
  },
  steps: [
    oneMessage({ to: 'nobody+team.b@mx.twinpost.test', rcptReply: RCPT_ACCEPTED, data: 'Subject: filtered extension\r\n\r\nHi.\r\n' }),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['filtered@far.example'], headers: { 'Delivered-To': 'nobody+team.b@mx.twinpost.test' } }],
    events: [{ kind: 'delivery', to: 'nobody+team.b@mx.twinpost.test', status: 'sent', text: /^forwarded as / }],
    queue: 'empty',
  },
};
export default scenario;
