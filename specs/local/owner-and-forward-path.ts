import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote, withAliases } from '../_shared/builders.ts';

/**
 * Who the forwarded copy is from, and where local(8) looks for .forward files (postconf(5)
 * owner_request_special, forward_path, mail_name). With owner_request_special = no, an
 * "owner-list" alias is nothing special: mail expanded through "list" keeps its original
 * envelope sender instead of taking owner-list@$myorigin. forward_path is the list of places
 * searched for a user's .forward file ($user, $home, $extension … expanded by local(8)); a
 * file found there forwards the mail as a new message, which starts with
 * "Received: by $myhostname ($mail_name)". mail_name also names the mail system in the SMTP
 * greeting.
 */
const scenario: Scenario = {
  id: 'local/owner-and-forward-path',
  title: 'owner_request_special = no, forward_path outside the home directory, mail_name',
  description: 'list@ expands to a remote address and keeps the sender; daemon@ has a forward file in the configuration directory (forward_path) that forwards to another remote address; the greeting and the forwarded copy name the mail system as mail_name says.',
  sinks: { remote: {} },
  config: withAliases('list: ann@remote.example\nowner-list: nobody\n', relayToRemote({
    owner_request_special: 'no',
    forward_path: '{{configDir}}/forward.$user',
    mail_name: 'Twinmail',
  }, [
    { name: 'forward.daemon', content: 'carol@remote.example\n' },
  ])),
  steps: [
    // one recipient per message: local(8) takes one recipient per delivery, and two at once
    // would race for the order of the forwarded copies' queue IDs
    {
      kind: 'smtp',
      greeting: { code: 220, text: 'mx.twinpost.test ESMTP Twinmail' },
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<list@mx.twinpost.test>', expect: '250 2.1.5' },
        { data: 'From: alice@client.example\r\nSubject: to the list\r\n\r\nHi.\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitRelayed(1, 2),
    oneMessage({ to: 'daemon@mx.twinpost.test', rcptReply: '250 2.1.5', data: 'From: alice@client.example\r\nSubject: to daemon\r\n\r\nHi.\r\n' }),
    ...awaitRelayed(2, 4),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['ann@remote.example'], headers: { Subject: 'to the list' } },
      { sink: 'remote', from: 'alice@client.example', to: ['carol@remote.example'], headers: { Subject: 'to daemon', Received: /^by mx\.twinpost\.test \(Twinmail\)/ } },
    ],
    events: [
      { kind: 'delivery', to: 'list@mx.twinpost.test', relay: 'local', status: 'sent', text: /^forwarded as / },
      { kind: 'delivery', to: 'daemon@mx.twinpost.test', relay: 'local', status: 'sent', text: /^forwarded as / },
    ],
    mailboxes: [],
    queue: 'empty',
  },
};
export default scenario;
