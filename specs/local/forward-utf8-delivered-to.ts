import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, oneMessage, relayToRemote, withAliases } from '../_shared/builders.ts';

/**
 * local(8) forwards an alias with a UTF-8 name (smtputf8_enable = yes): the copy it hands to
 * cleanup starts with its own "Received: by $myhostname ($mail_name)" header and "Delivered-To:"
 * the recipient as it came; the UTF-8 bytes of both (here mail_name = Pöstfix) go out
 * unchanged (local/forward.c; Postfix is 8-bit clean). The copy keeps the original's SMTPUTF8
 * request, so smtp(8) relays it with SMTPUTF8 to a peer that offers it. Written for the
 * mutation campaign: every forwarded copy in the other scenarios had an ASCII Delivered-To:.
 */
const UTF8_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SMTPUTF8'];

const scenario: Scenario = {
  id: 'local/forward-utf8-delivered-to',
  title: 'a UTF-8 alias forwarded: Delivered-To: and a UTF-8 mail_name in Received: kept as bytes, SMTPUTF8 passed on',
  description: 'jöran@mx.twinpost.test (MAIL FROM with SMTPUTF8) is an alias of carol@remote.example; the forwarded copy reaches the peer with "Received: by mx.twinpost.test (Pöstfix)", "Delivered-To: jöran@mx.twinpost.test" and MAIL FROM … SMTPUTF8.',
  sinks: { remote: { extensions: UTF8_PEER } },
  config: withAliases('jöran: carol@remote.example\n', relayToRemote({ smtp_connection_cache_on_demand: 'no', mail_name: 'Pöstfix' })),
  steps: [
    oneMessage({ params: 'SMTPUTF8', to: 'jöran@mx.twinpost.test', data: 'From: alice@client.example\r\nSubject: utf-8 alias\r\n\r\nHi.\r\n' }),
    ...awaitRelayed(1, 2),
  ],
  expect: {
    deliveries: [
      { sink: 'remote', from: 'alice@client.example', to: ['carol@remote.example'], headers: { 'Delivered-To': 'jöran@mx.twinpost.test', Subject: 'utf-8 alias' } },
    ],
    events: [
      { kind: 'delivery', queueId: 'Q1', to: 'jöran@mx.twinpost.test', relay: 'local', status: 'sent', forwardedAs: 'Q2' },
      { kind: 'delivery', queueId: 'Q2', to: 'carol@remote.example', origTo: 'jöran@mx.twinpost.test', status: 'sent' },
    ],
    queue: 'empty',
  },
};
export default scenario;
