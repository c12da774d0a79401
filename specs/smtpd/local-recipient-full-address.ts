import type { Scenario } from '../../harness/scenario/types.ts';
import { envelope } from '../_shared/builders.ts';

/**
 * local_recipient_maps is searched with the full address first, then the local part
 * (mail_addr_find for a local domain): a table that lists only "alice@mx.twinpost.test" makes
 * alice a known recipient; bob, in no form in the table, is refused with 550 5.1.1 "User
 * unknown in local recipient table". Added for the mutation campaign: with the default tables
 * (passwd, aliases) only the local part is ever looked up, so a reference that skipped the
 * full-address key passed every other scenario.
 */
const scenario: Scenario = {
  id: 'smtpd/local-recipient-full-address',
  title: 'local_recipient_maps keyed by the full address',
  description: 'A local_recipient_maps table with the key alice@mx.twinpost.test accepts RCPT TO that address and refuses bob with 550 5.1.1.',
  config: {
    main: { local_recipient_maps: 'texthash:$config_directory/recipients' },
    maps: [{ name: 'recipients', content: 'alice@mx.twinpost.test x\n' }],
  },
  steps: [
    {
      kind: 'smtp',
      dialog: [
        ...envelope({ from: 'sender@client.example', to: 'alice@mx.twinpost.test', rcptReply: '250 2.1.5' }),
        { command: 'RCPT TO:<bob@mx.twinpost.test>', expect: { code: 550, enhanced: '5.1.1', text: '5.1.1 <bob@mx.twinpost.test>: Recipient address rejected: User unknown in local recipient table' } },
        { command: 'RSET', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.1.1', to: 'bob@mx.twinpost.test' }],
    queue: 'empty',
  },
};
export default scenario;
