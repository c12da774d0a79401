import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * How trivial-rewrite(8) completes incomplete addresses (postconf(5) append_at_myorigin,
 * append_dot_mydomain, mydomain, remote_header_rewrite_domain, relayhost). In the local
 * rewriting context, append_dot_mydomain = yes adds ".$mydomain" to a domain without a dot
 * (carol@relay becomes carol@relay.corp.example), and append_at_myorigin = no leaves an
 * address without a domain as it is instead of adding "@$myorigin". Header addresses from a
 * client outside local_header_rewrite_clients are rewritten in the remote context: only when
 * remote_header_rewrite_domain is set, with that domain in the place of both $myorigin and
 * $mydomain (frank@relay becomes frank@relay.remote.invalid; without the setting the remote
 * context changes nothing), and append_at_myorigin = no applies there too. With relayhost set and no transport map, every non-local destination goes to the
 * relay host.
 */
const scenario: Scenario = {
  id: 'trivial-rewrite/address-qualification',
  title: 'append_dot_mydomain, append_at_myorigin = no, remote_header_rewrite_domain and relayhost',
  description: 'A sendmail submission and an SMTP submission from a client that is not a local header-rewrite client, both relayed to the relayhost sink: the envelope and header addresses show which parts were appended.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      mydomain: 'corp.example',
      append_dot_mydomain: 'yes',
      append_at_myorigin: 'no',
      local_header_rewrite_clients: '',
      remote_header_rewrite_domain: 'remote.invalid',
    },
  },
  steps: [
    { kind: 'sendmail', args: ['-f', 'alice@client.example', 'carol@relay', 'dave@far.example'], message: 'From: alice\nTo: carol@relay, erin\nSubject: local submission\n\nfrom sendmail\n' },
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    oneMessage({ to: 'frank@far.example', data: 'From: alice\r\nTo: frank@relay, gina\r\nSubject: remote submission\r\n\r\nfrom smtp\r\n' }),
    ...awaitRelayed(2),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote', from: 'alice@client.example', to: ['dave@far.example', 'carol@relay.corp.example'],
        headers: { From: 'alice', To: 'carol@relay.corp.example, erin', Subject: 'local submission' },
      },
      {
        sink: 'remote', from: 'alice@client.example', to: ['frank@far.example'],
        headers: { From: 'alice', To: 'frank@relay.remote.invalid, gina', Subject: 'remote submission' },
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
