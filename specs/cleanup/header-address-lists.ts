import type { Scenario } from '../../harness/scenario/types.ts';
import { oneMessage } from '../_shared/builders.ts';

/**
 * cleanup(8) rewrites the addresses in address headers (Postfix's header_opts: From, To, Cc,
 * Reply-To, Mail-Followup-To, Return-Receipt-To, Errors-To, Resent-*, …) for a client that
 * local_header_rewrite_clients permits (127.0.0.1 is an inet interface): an unqualified name
 * gets @$myorigin, each address of a list on its own. A header that is not an address header
 * (X-List here) is left as it is. Added for the mutation campaign: no other scenario had a
 * header with several addresses, or Mail-Followup-To.
 */
const scenario: Scenario = {
  id: 'cleanup/header-address-lists',
  title: 'every address of a header address list is qualified with $myorigin',
  description: 'To: alice, bob and Cc: carol, "D" <dave> become fully qualified; Mail-Followup-To and Return-Receipt-To too; X-List is not an address header.',
  config: { main: {} },
  steps: [
    oneMessage({
      from: 'sender@client.example',
      to: 'nobody@mx.twinpost.test',
      data: [
        'From: sender@client.example',
        'To: alice, bob',
        'Cc: carol, "D" <dave>, (comment) erin',
        'Mail-Followup-To: frank, grace',
        'Return-Receipt-To: heidi',
        'X-List: ivan, judy',
        'Subject: lists',
        '',
        'Hello.',
        '',
      ].join('\r\n'),
    }),
    { kind: 'wait', event: { kind: 'removed' } },
  ],
  expect: {
    mailboxes: [
      {
        user: 'nobody',
        messages: 1,
        headers: {
          To: 'alice@mx.twinpost.test, bob@mx.twinpost.test',
          'Mail-Followup-To': 'frank@mx.twinpost.test, grace@mx.twinpost.test',
          'Return-Receipt-To': 'heidi@mx.twinpost.test',
          'X-List': 'ivan, judy',
        },
      },
    ],
    queue: 'empty',
  },
};
export default scenario;
