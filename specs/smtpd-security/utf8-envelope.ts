import type { Scenario } from '../../harness/scenario/types.ts';
import { awaitRelayed, relayToRemote } from '../_shared/builders.ts';

/**
 * UTF-8 in envelope addresses and HELO (smtputf8_enable = yes, strict_smtputf8 = no). smtpd(8)
 * takes UTF-8 in an address localpart with or without MAIL FROM's SMTPUTF8 (historical 8-bit
 * localparts), but a non-ASCII domain only with SMTPUTF8 (smtpd_check_addr(): otherwise
 * "Illegal address syntax" and 501 5.1.7 / 501 5.1.3). A message received with SMTPUTF8 gets
 * "with UTF8SMTP" in smtpd's Received: header, and smtp(8) passes SMTPUTF8 on to a next hop
 * that offers it. A UTF-8 HELO name is kept as it is. Postfix is 8-bit clean: the UTF-8
 * sender's bytes go as they came into local(8)'s From_ line and Return-Path: and into the
 * From: header cleanup adds.
 */
const UTF8_PEER = ['PIPELINING', 'SIZE', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SMTPUTF8'];

const scenario: Scenario = {
  id: 'smtpd-security/utf8-envelope',
  title: 'UTF-8 localparts taken, UTF-8 domains only with SMTPUTF8, SMTPUTF8 passed on',
  description: 'A UTF-8 domain without SMTPUTF8 gets 501; with SMTPUTF8 the message is received "with UTF8SMTP" and relayed with SMTPUTF8.',
  sinks: { remote: { extensions: UTF8_PEER } },
  config: relayToRemote({ smtp_connection_cache_on_demand: 'no' }),
  steps: [
    {
      kind: 'smtp',
      dialog: [
        { command: 'EHLO cliënt.example', expect: 250 },
        { command: 'MAIL FROM:<alice@exämple.com>', expect: { code: 501, text: '5.1.7 Bad sender address syntax' } },
        { command: 'MAIL FROM:<jösé@client.example>', expect: 250 },
        { command: 'RCPT TO:<bob@rëmote.example>', expect: { code: 501, text: '5.1.3 Bad recipient address syntax' } },
        { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
        { data: 'Subject: utf-8 localpart\r\n\r\nbody\r\n', expect: 250 },
        { command: 'MAIL FROM:<alice@exämple.com> SMTPUTF8', expect: 250 },
        { command: 'RCPT TO:<bob@remote.example>', expect: 250 },
        { data: 'Subject: smtputf8\r\n\r\nbody\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    ...awaitRelayed(1, 2),
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@exämple.com', to: ['bob@remote.example'], mailParams: [/^SIZE=\d+$/, 'SMTPUTF8'] }],
    mailboxes: [{ user: 'nobody', messages: 1, headers: { Received: /^from cliënt\.example \(localhost \[127\.0\.0\.1\]\)\s+by mx\.twinpost\.test \(Postfix\) with ESMTP / } }],
    queue: 'empty',
  },
};
export default scenario;
