import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * How local(8) walks forward_path (postconf(5) forward_path, local/dotforward.c): each entry
 * is expanded for the recipient; an entry that names an attribute without a value (here
 * ${extension} for an address without one) is skipped, even when a file by the partly
 * expanded name exists; an entry whose file does not exist is skipped; the first entry that
 * exists is the one used — and when it is not a regular file (here a directory) local(8)
 * logs "file … is not a regular file" and delivers to the mailbox. Written for the mutation
 * campaign: the forward_path scenario only had an entry that exists.
 */
const scenario: Scenario = {
  id: 'local/forward-path-skipped',
  title: 'forward_path: an entry with an unset attribute, a missing file, a directory',
  description: 'forward_path = $config_directory/fwd${recipient_delimiter}${extension}, $config_directory/missing.$user, $config_directory: mail to nobody skips the first two (the file "fwd" exists but is not used), finds the directory, warns and delivers to the mailbox.',
  sinks: { remote: {} },
  config: relayToRemote({
    recipient_delimiter: '+',
    forward_path: '{{configDir}}/fwd${recipient_delimiter}${extension}, {{configDir}}/missing.$user, {{configDir}}',
  }, [
    { name: 'fwd', content: 'carol@remote.example\n' },
  ]),
  steps: [
    oneMessage({ to: 'nobody@mx.twinpost.test', rcptReply: '250 2.1.5', data: 'From: alice@client.example\r\nSubject: forward path\r\n\r\nHi.\r\n' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'nobody@mx.twinpost.test' } },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'warning', service: 'local', text: /^file \S+ is not a regular file$/ },
      { kind: 'delivery', to: 'nobody@mx.twinpost.test', status: 'sent', text: 'delivered to mailbox' },
    ],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Subject: 'forward path' } }],
    queue: 'empty',
  },
};
export default scenario;
