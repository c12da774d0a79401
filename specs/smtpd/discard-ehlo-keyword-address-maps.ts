import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_discard_ehlo_keyword_address_maps (postconf(5); smtpd.c, global/ehlo_mask.c): a table
 * looked up with the client's address when it connects; the keywords it lists are left out of
 * that client's EHLO reply, in place of smtpd_discard_ehlo_keywords (which applies to the
 * clients the table does not find). smtpd logs "discarding EHLO keywords: …" with the names in
 * Postfix's own order (8BITMIME, AUTH, ETRN, PIPELINING, SIZE, VERP, VRFY, …), not the reply's.
 */
const EHLO_ALL = ['mx.twinpost.test', 'PIPELINING', 'SIZE 10240000', 'VRFY', 'ETRN', 'ENHANCEDSTATUSCODES', '8BITMIME', 'DSN', 'SMTPUTF8', 'CHUNKING'];
const without = (...dropped: string[]) => EHLO_ALL.filter((k) => !dropped.includes(k)).join('\n');

const scenario: Scenario = {
  id: 'smtpd/discard-ehlo-keyword-address-maps',
  title: 'smtpd_discard_ehlo_keyword_address_maps: per-client EHLO keywords, smtpd_discard_ehlo_keywords for the rest',
  description: 'The table lists 127.0.0.2 with "pipelining, etrn": that client\'s EHLO reply lacks both. 127.0.0.1 is not listed and gets smtpd_discard_ehlo_keywords = vrfy.',
  config: {
    main: {
      smtpd_discard_ehlo_keyword_address_maps: 'cidr:$config_directory/ehlo_discard',
      smtpd_discard_ehlo_keywords: 'vrfy',
    },
    maps: [{ name: 'ehlo_discard', content: '127.0.0.2/32 pipelining, etrn\n' }],
  },
  steps: [
    {
      kind: 'smtp', name: 'listed', clientAddress: '127.0.0.2',
      dialog: [
        { command: 'EHLO client.example', expect: { code: 250, text: without('PIPELINING', 'ETRN') } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
    {
      kind: 'smtp', name: 'not listed',
      dialog: [
        { command: 'EHLO client.example', expect: { code: 250, text: without('VRFY') } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
  ],
  expect: {
    events: [
      { kind: 'other', service: 'smtpd', text: 'discarding EHLO keywords: ETRN PIPELINING' },
      { kind: 'other', service: 'smtpd', text: 'discarding EHLO keywords: VRFY' },
    ],
    queue: 'empty',
  },
};
export default scenario;
