import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * cleanup(8) rewrites envelope addresses in the local rewriting context, even for a client
 * outside local_header_rewrite_clients (cleanup_addr.c: only header addresses depend on the
 * client), so with append_dot_mydomain = yes a sender alice@client and a
 * recipient frank@relay from an SMTP client become alice@client.$mydomain and
 * frank@relay.$mydomain. With recipient_delimiter = + a table lookup of carol+news@ also tries
 * carol@; propagate_unmatched_extensions = canonical puts the unmatched "+x" back after
 * canonical mapping (dave+x@ becomes dave+x@far.example) but not after virtual aliasing
 * (carol+news@ becomes carol@far.example). swap_bangpath = no leaves "far.example!bob" a local
 * name, and allow_percent_hack = no leaves "bob%far.example" one (trivial-rewrite(8)); both
 * then bounce as unknown local users.
 */
const scenario: Scenario = {
  id: 'cleanup/envelope-rewriting',
  title: 'envelope addresses in the local context, recipient_delimiter, propagate_unmatched_extensions, swap_bangpath and allow_percent_hack = no',
  description: 'An SMTP message to an unqualified relay address, a virtual alias and a canonical mapping with extensions reaches the relayhost with the rewritten envelope; a local submission to a bang path and a percent-hack address bounces both as local users.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      append_dot_mydomain: 'yes',
      local_recipient_maps: '',
      local_header_rewrite_clients: '',
      recipient_delimiter: '+',
      propagate_unmatched_extensions: 'canonical',
      virtual_alias_maps: 'texthash:$config_directory/virtual',
      recipient_canonical_maps: 'texthash:$config_directory/canonical',
      swap_bangpath: 'no',
      allow_percent_hack: 'no',
    },
    maps: [
      { name: 'virtual', content: 'carol@mx.twinpost.test carol@far.example\n' },
      { name: 'canonical', content: 'dave@mx.twinpost.test dave@far.example\n' },
    ],
  },
  steps: [
    oneMessage({
      from: 'alice@client',
      to: ['frank@relay', 'carol+news@mx.twinpost.test', 'dave+x@mx.twinpost.test'],
      data: 'Subject: envelope\r\n\r\nrewritten\r\n',
    }),
    ...awaitRelayed(),
    { kind: 'sendmail', args: ['-f', '<>', 'far.example!bob', 'bob%far.example'], message: 'Subject: routed\n\nrouted forms\n' },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.twinpost.test', to: ['carol@far.example', 'dave+x@far.example', 'frank@relay.twinpost.test'] },
    ],
    events: [
      { kind: 'delivery', to: 'far.example!bob@mx.twinpost.test', status: 'bounced', relay: 'local' },
      { kind: 'delivery', to: 'bob%far.example@mx.twinpost.test', status: 'bounced', relay: 'local' },
    ],
    queue: 'empty',
  },
};
export default scenario;
