import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * smtpd_client_restrictions with smtpd_delay_reject = no (postconf(5); smtpd.c): the client
 * restrictions are applied when the client connects; a rejected client gets the rejection
 * instead of the 220 greeting, then "503 5.7.0 Error: access denied for NAME[ADDR]" for every command but QUIT
 * (RFC 5321 section 3.1: the server may refuse all but QUIT). check_client_access looks up
 * the client's name and address (here 127.0.0.1).
 */
const scenario: Scenario = {
  id: 'smtpd/client-restrictions',
  title: 'a client rejected by smtpd_client_restrictions at connect time',
  description: 'With smtpd_delay_reject = no the table\'s rejection replaces the greeting, every later command but QUIT gets 503 5.7.0, and nothing is queued.',
  config: {
    main: {
      smtpd_delay_reject: 'no',
      smtpd_client_restrictions: 'check_client_access texthash:$config_directory/client_access',
    },
    maps: [{ name: 'client_access', content: '127.0.0.1 REJECT No mail from this host\n' }],
  },
  steps: [
    {
      kind: 'smtp', name: 'client-rejected',
      greeting: { code: 554, text: '5.7.1 <localhost[127.0.0.1]>: Client host rejected: No mail from this host' },
      dialog: [
        { command: 'EHLO client.example', expect: { code: 503, text: '5.7.0 Error: access denied for localhost[127.0.0.1]' } },
        { command: 'MAIL FROM:<alice@client.example>', expect: 503 },
        { command: 'NOOP', expect: 503 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [{ kind: 'reject', stage: 'CONNECT', code: 554, dsn: '5.7.1' }],
    noEvents: [{ kind: 'client' }],
    queue: 'empty',
  },
};
export default scenario;
