import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * The 8-bit to 7-bit conversion of smtp(8) (postconf(5) disable_mime_output_conversion,
 * default no; smtp_proto.c, mime_state.c; RFC 6152 section 3). To a next hop that does not
 * announce 8BITMIME, mail not declared 7bit is sent without SIZE= (its size changes) and
 * converted: an entity whose Content-Transfer-Encoding: is 8bit or binary loses that header
 * and gets "Content-Transfer-Encoding: quoted-printable" at the end of its header block (7bit
 * for a multipart), and its body lines are quoted-printable: 8-bit bytes and "=" as =XX,
 * a soft line break after 73 characters, white space at a line's end encoded. 7bit parts go
 * unchanged. The one setting differs from smtp/mime-output-conversion-off.
 */
const LONG = `${'x'.repeat(70)}=ü and more text `;

const scenario: Scenario = {
  id: 'smtp/mime-output-conversion',
  title: 'disable_mime_output_conversion = no: 8-bit mail is sent quoted-printable to a peer without 8BITMIME',
  description: 'A message declared 8bit and a multipart message with one 8bit part reach a peer that offers no 8BITMIME converted to quoted-printable, without SIZE=.',
  sinks: { remote: { extensions: ['PIPELINING', 'SIZE', 'ENHANCEDSTATUSCODES'] } },
  config: { main: { relayhost: '{{sink:remote}}', smtp_connection_cache_on_demand: 'no' } },
  steps: [
    oneMessage({ params: 'BODY=8BITMIME', to: 'bob@far.example', data: `Subject: eight bits\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\nnaïve café\r\n${LONG}\r\n` }),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example> BODY=8BITMIME', expect: 250 },
        { command: 'RCPT TO:<bob@far.example>', expect: 250 },
        {
          data: [
            'Subject: parts', 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary=zz', '',
            '--zz', 'Content-Type: text/plain', '', 'plain ascii',
            '--zz', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'déjà vu', '--zz--', '',
          ].join('\r\n'),
          expect: 250,
        },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'remote', messages: 2 },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
  ],
  expect: {
    deliveries: [
      {
        sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], mailParams: [],
        headers: { Subject: 'eight bits', 'Content-Transfer-Encoding': 'quoted-printable' },
        bodyIncludes: [`na=C3=AFve caf=C3=A9\r\n${'x'.repeat(70)}=3D=\r\n=C3=BC and more text=20\r\n`],
      },
      {
        sink: 'remote', from: 'alice@client.example', to: ['bob@far.example'], mailParams: [], headers: { Subject: 'parts' },
        bodyIncludes: ['--zz\r\nContent-Type: text/plain\r\n\r\nplain ascii\r\n--zz\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nd=C3=A9j=C3=A0 vu\r\n--zz--\r\n'],
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
