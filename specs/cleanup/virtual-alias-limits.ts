import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Limits on virtual alias expansion in cleanup(8) (postconf(5) virtual_alias_expansion_limit,
 * virtual_alias_recursion_limit). An address whose virtual_alias_maps expansion yields more
 * addresses than virtual_alias_expansion_limit, or that needs more nesting levels than
 * virtual_alias_recursion_limit, makes cleanup refuse the message with a warning; smtpd
 * answers the end of DATA with a temporary error and nothing is queued. Within both limits
 * the expansion is delivered as usual.
 */
const scenario: Scenario = {
  id: 'cleanup/virtual-alias-limits',
  title: 'virtual_alias_expansion_limit and virtual_alias_recursion_limit',
  description: 'wide@ expands to four addresses (limit 3), deep@ needs three nesting levels (limit 2): both messages are refused with 451 and a warning; ok@ (two addresses, one level) is delivered to the sink.',
  sinks: { remote: {} },
  config: {
    main: {
      virtual_alias_maps: 'texthash:$config_directory/virtual',
      transport_maps: 'texthash:$config_directory/transport',
      virtual_alias_expansion_limit: '3',
      virtual_alias_recursion_limit: '2',
    },
    maps: [
      {
        name: 'virtual',
        content: [
          'wide@alias.example a@remote.example, b@remote.example, c@remote.example, d@remote.example',
          'deep@alias.example level1@alias.example',
          'level1@alias.example level2@alias.example',
          'level2@alias.example level3@alias.example',
          'level3@alias.example e@remote.example',
          'ok@alias.example f@remote.example, g@remote.example',
          '',
        ].join('\n'),
      },
      { name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' },
    ],
  },
  steps: [
    ...['wide', 'deep', 'ok'].map((user) => ({
      kind: 'smtp' as const,
      name: user,
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: `RCPT TO:<${user}@alias.example>`, expect: 250 },
        { data: `Subject: to ${user}\r\n\r\nHi.\r\n`, expect: user === 'ok' ? 250 : 451 },
        { command: 'QUIT', expect: 221 },
      ],
    })),
    { kind: 'wait-sink', sink: 'remote', messages: 1 },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
  ],
  expect: {
    deliveries: [{ sink: 'remote', from: 'alice@client.example', to: ['f@remote.example', 'g@remote.example'], headers: { Subject: 'to ok' } }],
    events: [
      { kind: 'warning', service: 'cleanup', text: /unreasonable virtual_alias_maps map expansion size for wide@alias\.example/ },
      { kind: 'warning', service: 'cleanup', text: /unreasonable virtual_alias_maps map nesting for deep@alias\.example/ },
    ],
    queue: 'empty',
  },
};
export default scenario;
