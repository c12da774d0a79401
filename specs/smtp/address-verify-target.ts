import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtp_address_verify_target = data (postconf(5); smtp_proto.c): an address probe
 * (sendmail -bv here) goes on past RCPT TO to DATA, for servers that refuse recipients only
 * there. A recipient the server accepted is "deliverable" once DATA is answered with 354 — the
 * status 2.0.0 and the 354 reply as the text — and smtp(8) then drops the connection at once:
 * no message, no ".", no RSET, no QUIT. A recipient refused at RCPT TO stays
 * "undeliverable" with that reply. The default, rcpt, stops at RCPT TO (trace/sendmail-bv).
 */
const scenario: Scenario = {
  id: 'smtp/address-verify-target',
  title: 'smtp_address_verify_target = data: a probe reports the 354 reply to DATA and disconnects',
  description: 'sendmail -bv for bob and carol at remote.example, whose peer refuses carol at RCPT: bob is deliverable with "354 …" (2.0.0), carol undeliverable with the 550; the peer sees DATA, then the client closes.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', recipients: ['carol@remote.example'], reply: '550 5.1.1 no carol here' }] } },
  config: {
    main: {
      transport_maps: 'texthash:$config_directory/transport',
      smtp_address_verify_target: 'data',
    },
    maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    {
      kind: 'sendmail',
      args: ['-bv', '-f', 'nobody@mx.twinpost.test', 'bob@remote.example', 'carol@remote.example'],
      message: 'Subject: probe\n\nnot to be delivered\n',
    },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
    { kind: 'sink-connections', sink: 'remote', count: 1, transactions: [0] },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    mailboxes: [{
      user: 'nobody', messages: 1,
      headers: { Subject: 'Mail Delivery Status Report' },
      bodyIncludes: [
        'Final-Recipient: rfc822; bob@remote.example\nOriginal-Recipient: rfc822;bob@remote.example\nAction: deliverable\nStatus: 2.0.0',
        'Final-Recipient: rfc822; carol@remote.example\nOriginal-Recipient: rfc822;carol@remote.example\nAction: undeliverable\nStatus: 5.1.1',
      ],
    }],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'bob@remote.example', dsn: '2.0.0', status: 'deliverable', text: '354 End data with <CR><LF>.<CR><LF>' },
      { kind: 'delivery', queueId: 'Q1', to: 'carol@remote.example', dsn: '5.1.1', status: 'undeliverable', text: 'host 127.0.0.1[127.0.0.1] said: 550 5.1.1 no carol here (in reply to RCPT TO command)' },
    ],
    queue: 'empty',
  },
};
export default scenario;
