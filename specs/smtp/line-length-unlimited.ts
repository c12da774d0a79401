import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote } from '../_shared/builders.ts';

/**
 * smtp_line_length_limit = 0 (postconf(5)): no limit, so smtp(8) sends every content line as
 * it is, however long (smtp_proto.c smtp_text_out() folds a line only when the limit is
 * positive), and logs no "breaking line" notice. With the default 998, a longer line is folded
 * with CRLF SPACE (smtp/client-options and smtpd-fuzz/smtp-breaks-long-lines show that).
 * Written for the mutation campaign: no scenario set the limit to 0.
 */

/** A content line well beyond the default limit of 998 and below smtpd's line_length_limit (2048). */
const LONG = 'z'.repeat(1500);

const scenario: Scenario = {
  id: 'smtp/line-length-unlimited',
  title: 'smtp_line_length_limit = 0 sends a 1500-byte line unfolded',
  description: 'A message with one 1500-byte body line is relayed with smtp_line_length_limit = 0: the peer gets the line whole, and smtp(8) logs nothing about breaking it.',
  sinks: { remote: {} },
  config: relayToRemote({ smtp_line_length_limit: '0' }),
  steps: [
    oneMessage({ data: `Subject: one long line\r\n\r\n${LONG}\r\nthe end\r\n` }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@remote.example'], bodyIncludes: [`${LONG}\r\nthe end\r\n`] }],
    events: [{ kind: 'delivery', to: 'bob@remote.example', status: 'sent' }],
    noEvents: [{ kind: 'other', text: /breaking line/ }],
    queue: 'empty',
  },
};
export default scenario;
