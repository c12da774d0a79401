import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * cleanup(8)'s strict MIME checks (postconf(5) strict_7bit_headers, strict_8bitmime_body,
 * strict_mime_encoding_domain; cleanup_message.c, mime_state.c). With strict_7bit_headers a
 * header with 8-bit bytes, with strict_8bitmime_body 8-bit bytes in a body that is 7bit (by
 * default or by its Content-Transfer-Encoding), and with strict_mime_encoding_domain a
 * multipart/* or message/rfc822 entity with an encoding (base64, quoted-printable) instead of
 * 7bit, 8bit or binary, are errors: each is logged when found ("reject: mime-error TEXT: LINE
 * from CLIENT; from=<..> to=<..>") and the message is refused at its end with 550 5.6.0 and
 * the error's text. A body declared 8bit may hold 8-bit bytes.
 */

/** One SMTP transaction with `content`, answered with `reply` at the end of DATA. */
function message(name: string, content: string, reply: number | string): Step {
  return oneMessage({ name, params: 'BODY=8BITMIME', to: 'bob@far.example', data: content, dataReply: reply });
}

const scenario: Scenario = {
  id: 'cleanup/strict-mime',
  title: 'strict_7bit_headers, strict_8bitmime_body, strict_mime_encoding_domain refuse with 5.6.0',
  description: 'An 8-bit Subject:, 8-bit text in a 7bit body and a base64 multipart are refused; 8-bit text in a body declared 8bit is relayed.',
  sinks: { remote: {} },
  config: {
    main: {
      relayhost: '{{sink:remote}}',
      strict_7bit_headers: 'yes',
      strict_8bitmime_body: 'yes',
      strict_mime_encoding_domain: 'yes',
    },
  },
  steps: [
    message('8-bit header', 'Subject: café\r\n\r\nplain text\r\n', '550 5.6.0 improper use of 8-bit data in message header'),
    message('8-bit body', 'Subject: 8-bit body\r\n\r\nfirst line\r\nnaïve text\r\n', '550 5.6.0 improper use of 8-bit data in message body'),
    message('encoded multipart', 'Subject: encoded multipart\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=zz\r\nContent-Transfer-Encoding: base64\r\n\r\n--zz\r\n\r\nhi\r\n--zz--\r\n', '550 5.6.0 invalid message/* or multipart/* encoding domain'),
    message('declared 8bit', 'Subject: declared 8bit\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nnaïve text\r\n', 250),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], mailParams: ['BODY=8BITMIME'], headers: { Subject: 'declared 8bit' } }],
    events: [
      { kind: 'other', service: 'cleanup', text: /^reject: mime-error improper use of 8-bit data in message header: Subject: caf.* from localhost\[127\.0\.0\.1\]; from=<alice@client\.example> to=<bob@far\.example>$/ },
      { kind: 'other', service: 'cleanup', text: /^reject: mime-error improper use of 8-bit data in message body: na.*ve text from localhost\[127\.0\.0\.1\]; / },
      { kind: 'other', service: 'cleanup', text: /^reject: mime-error invalid message\/\* or multipart\/\* encoding domain: base64 from / },
    ],
    queue: 'empty',
  },
};
export default scenario;
