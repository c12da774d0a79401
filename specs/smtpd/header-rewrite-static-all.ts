import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * local_header_rewrite_clients = static:all (postconf(5)): every SMTP client gets the "local"
 * header rewrite context, as a client on an inet interface does by default. smtpd passes the
 * context with the message and cleanup(8) then qualifies unqualified header addresses with
 * $myorigin ("To: bob" becomes "To: bob@mx.twinpost.test") and adds the From:, Date: and
 * Message-Id: the message lacks. Written for the mutation campaign: the other scenarios use
 * the default list or an empty one, so the static:all entry was never reached.
 */
const scenario: Scenario = {
  id: 'smtpd/header-rewrite-static-all',
  title: 'local_header_rewrite_clients = static:all: header addresses qualified, missing headers added',
  description: 'A message with "To: bob" and a Subject: only reaches the peer with To: bob@mx.twinpost.test and From:, Date:, Message-Id: added.',
  sinks: { remote: {} },
  config: relayToRemote({ local_header_rewrite_clients: 'static:all' }),
  steps: [
    oneMessage({ data: 'To: bob\r\nSubject: bare\r\n\r\nunqualified\r\n' }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{
      sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'],
      headers: { To: 'bob@mx.twinpost.test', Subject: 'bare', From: 'alice@client.example', Date: true, 'Message-Id': /@mx\.twinpost\.test>$/ },
    }],
    queue: 'empty',
  },
};
export default scenario;
