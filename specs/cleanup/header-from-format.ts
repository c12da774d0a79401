import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * header_from_format (postconf(5); cleanup/cleanup_message.c): the form of the From: header
 * cleanup(8) adds to a message without one when the sender's full name is known (sendmail -F).
 * "obsolete" writes "From: address (full name)", the form before Postfix 3.3, where the
 * default "standard" writes "From: full name <address>" (with the name quoted when it holds
 * specials). The full name goes into the comment as given, commas included. Without -F,
 * sendmail(1) takes the full name from the password file entry of the user who runs it (root,
 * whose name is "root", here), so that message gets a comment as well.
 */
const scenario: Scenario = {
  id: 'cleanup/header-from-format',
  title: 'header_from_format = obsolete: From: address (full name)',
  description: 'Three local submissions without From: — two with -F (one name with a comma), one with the name from the password file — relayed to a sink.',
  sinks: { remote: {} },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      header_from_format: 'obsolete',
    },
    maps: [{ name: 'transport', content: 'far.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    { kind: 'sendmail', args: ['-f', 'alice@client.example', '-F', 'Alice Example', 'carol@far.example'], message: 'Subject: plain name\n\nHi.\n' },
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'sendmail', args: ['-f', 'bob@client.example', '-F', 'Smith, Bob', 'carol@far.example'], message: 'Subject: name with a comma\n\nHi.\n' },
    { kind: 'wait-sink', sink: 'remote', messages: 2 },
    { kind: 'sendmail', args: ['-f', 'dave@client.example', 'carol@far.example'], message: 'Subject: no name\n\nHi.\n' },
    { kind: 'wait-sink', sink: 'remote', messages: 3 },
    { kind: 'wait', event: { kind: 'removed' }, count: 3 },
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['carol@far.example'], headers: { Subject: 'plain name', From: 'alice@client.example (Alice Example)' } },
      { sink: 'remote', from: 'bob@client.example', to: ['carol@far.example'], headers: { Subject: 'name with a comma', From: 'bob@client.example (Smith, Bob)' } },
      { sink: 'remote', from: 'dave@client.example', to: ['carol@far.example'], headers: { Subject: 'no name', From: 'dave@client.example (root)' } },
    ],
    queue: 'empty',
  },
};
export default scenario;
