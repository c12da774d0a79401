import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * cleanup(8) and headers a message lacks (postconf(5) always_add_missing_headers,
 * local_header_rewrite_clients). A message from a client outside local_header_rewrite_clients
 * normally goes on without the From:, Date: and Message-ID: it lacks; with
 * always_add_missing_headers = yes cleanup adds them anyway: Date: from the arrival time,
 * Message-Id: from the queue ID and $myhostname, From: the envelope sender. No To: is added
 * (undisclosed_recipients_header is empty by default).
 */
const scenario: Scenario = {
  id: 'cleanup/always-add-missing-headers',
  title: 'always_add_missing_headers = yes for a remote client',
  description: 'The SMTP client is not a local header-rewrite client; its message has only a Subject:, and arrives at the sink with From:, Date: and Message-Id: added, and still no To:.',
  sinks: { remote: {} },
  config: relayToRemote({
    local_header_rewrite_clients: '',
    always_add_missing_headers: 'yes',
  }),
  steps: [
    oneMessage({ data: 'Subject: bare\r\n\r\nno other headers\r\n' }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{
      sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'],
      headers: { Subject: 'bare', From: 'alice@client.example', Date: true, 'Message-Id': /@mx\.twinpost\.test>$/ },
      noHeaders: ['To'],
    }],
    queue: 'empty',
  },
};
export default scenario;
