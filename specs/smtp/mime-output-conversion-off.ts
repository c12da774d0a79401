import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage } from '../_shared/builders.ts';

/**
 * disable_mime_output_conversion = yes (postconf(5); smtp(8) smtp_proto.c): when the next hop
 * does not announce 8BITMIME, smtp(8) normally converts an 8-bit message to 7-bit
 * (quoted-printable for text, RFC 6152 section 3); with this setting it sends the message as
 * it is, 8-bit bytes and the original Content-Transfer-Encoding: header included, without a
 * BODY= parameter.
 */
const scenario: Scenario = {
  id: 'smtp/mime-output-conversion-off',
  title: 'disable_mime_output_conversion = yes: 8-bit mail goes unconverted to a peer without 8BITMIME',
  description: 'A message declared 8bit reaches a peer that offers no 8BITMIME with its 8-bit body bytes and headers unchanged.',
  sinks: { remote: { extensions: ['PIPELINING', 'SIZE', 'ENHANCEDSTATUSCODES'] } },
  config: { main: { relayhost: '{{sink:remote}}', disable_mime_output_conversion: 'yes' } },
  steps: [
    oneMessage({
      params: 'BODY=8BITMIME', to: 'bob@far.example',
      data: 'Subject: eight bits\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nnaïve café\r\n',
    }),
    ...awaitRelayed(),
  ],
  expect: {
    deliveries: [{
      sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], mailParams: [/^SIZE=\d+$/],
      headers: { 'Content-Transfer-Encoding': '8bit' }, bodyIncludes: ['naïve café\r\n'],
    }],
    queue: 'empty',
  },
};
export default scenario;
