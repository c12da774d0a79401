import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, relayToRemote } from '../_shared/builders.ts';

/**
 * Local submission: sendmail(1) hands the message to postdrop(1), which writes maildrop/ and
 * pokes pickup(8); pickup logs "QID: uid=N from=<sender>" under the NEW queue ID cleanup gave
 * it, prepends "Received: by $myhostname (Postfix, from userid N)" and passes the message to
 * cleanup in the local rewrite context — so the bare "nobody" becomes nobody@$myorigin (orig_to
 * stays "nobody") and the missing Message-Id/Date/From are added, From: with the -F full name.
 * With -t the recipients come from To/Cc/Bcc; cleanup rewrites the header addresses in the
 * local context too (To: nobody → To: nobody@$myorigin) and drops the Bcc: header
 * (message_drop_headers). sendmail(1), postdrop(1), pickup(8), cleanup(8).
 */
const scenario: Scenario = {
  id: 'pickup/sendmail-local',
  title: 'sendmail → postdrop → pickup: one local delivery and one relay per message',
  description: 'Two submissions (explicit recipients with -f/-F, then -t with To/Cc/Bcc): nobody gets both in its mailbox, the remote recipients reach the sink.',
  sinks: { remote: {} },
  config: relayToRemote(),
  steps: [
    // Bad input at the door: no recipients. Postfix 3.7.11 exits 75 (its fatal-error handler
    // turns sendmail's EX_USAGE into EX_TEMPFAIL) and queues nothing.
    { kind: 'sendmail', args: ['-f', 'alice@client.example'], message: 'Subject: nowhere\n\nx\n', expectExit: 75 },
    { kind: 'sendmail', args: ['-f', 'alice@client.example', '-F', 'Alice Example', 'nobody', 'carol@remote.example'], message: 'Subject: first\n\nHello from sendmail.\n' },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    { kind: 'sendmail', args: ['-t', '-i', '-f', 'alice@client.example'], message: 'To: nobody\nCc: dave@remote.example\nBcc: erin@remote.example\nSubject: second\n\n.\nA lone dot above.\n' },
    ...awaitRelayed(2),
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote', from: 'alice@client.example', to: ['carol@remote.example'],
        headers: { Subject: 'first', From: 'Alice Example <alice@client.example>', 'Message-Id': true, Date: true, Received: /^by mx\.twinpost\.test \(Postfix, from userid 0\)/ },
        bodyIncludes: ['Hello from sendmail.'],
      },
      {
        sink: 'remote', from: 'alice@client.example', to: [/^(dave|erin)@remote\.example$/, /^(dave|erin)@remote\.example$/],
        headers: { Subject: 'second', To: 'nobody@mx.twinpost.test', Cc: 'dave@remote.example' },
        noHeaders: ['Bcc'],
        bodyIncludes: ['.\r\nA lone dot above.'],
      },
    ],
    mailboxes: [{ user: 'nobody', messages: 2, headers: { 'X-Original-To': 'nobody', 'Delivered-To': 'nobody@mx.twinpost.test' } }],
    events: [
      // sendmail's fatal error reaches the maillog too (through postlogd)
      { kind: 'fatal', service: 'sendmail', text: 'alice@client.example(0): Recipient addresses must be specified on the command line or via the -t option' },
      { kind: 'other', service: 'pickup', queueId: 'Q1', text: 'uid=0 from=<alice@client.example>' },
      { kind: 'queue-active', queueId: 'Q1', from: 'alice@client.example', nrcpt: 2 },
      { kind: 'delivery', queueId: 'Q1', to: 'nobody@mx.twinpost.test', origTo: 'nobody', relay: 'local', status: 'sent', text: 'delivered to mailbox' },
      { kind: 'delivery', queueId: 'Q1', to: 'carol@remote.example', status: 'sent' },
      // the second message's queue ID is not Q2 (the sink's "queued as" reply names one first)
      { kind: 'other', service: 'pickup', text: 'uid=0 from=<alice@client.example>', count: 2 },
      { kind: 'queue-active', from: 'alice@client.example', nrcpt: 3 },
      { kind: 'removed', count: 2 },
    ],
    queue: 'empty',
  },
};
export default scenario;
