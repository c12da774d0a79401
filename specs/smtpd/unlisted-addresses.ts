import type { Scenario } from '../../harness/scenario/types.ts';

/**
 * Unknown addresses in the recipient tables of their address class (postconf(5)
 * smtpd_reject_unlisted_recipient, smtpd_reject_unlisted_sender, relay_recipient_maps with
 * unknown_relay_recipient_reject_code, virtual_alias_maps with unknown_virtual_alias_reject_code,
 * virtual_mailbox_maps with unknown_virtual_mailbox_reject_code). A recipient in relay_domains
 * that relay_recipient_maps does not list, one in virtual_alias_domains without an alias and one
 * in virtual_mailbox_domains without a mailbox are each refused with their class's code (here
 * 551, 552 and 553 instead of 550). With smtpd_reject_unlisted_sender = yes an unknown sender
 * in such a domain is refused at RCPT TO too ("Sender address rejected: User unknown in ...").
 */
const scenario: Scenario = {
  id: 'smtpd/unlisted-addresses',
  title: 'unknown relay, virtual alias and virtual mailbox recipients and an unknown sender',
  description: 'Three unknown recipients each refused with its class\'s code, an unknown sender refused, a known relay recipient accepted.',
  sinks: { relay: {} },
  config: {
    main: {
      relay_domains: 'relay.example',
      relay_recipient_maps: 'texthash:$config_directory/relay_recipients',
      unknown_relay_recipient_reject_code: '551',
      virtual_alias_domains: 'alias.example',
      virtual_alias_maps: 'texthash:$config_directory/virtual',
      unknown_virtual_alias_reject_code: '552',
      virtual_mailbox_domains: 'box.example',
      virtual_mailbox_maps: 'texthash:$config_directory/mailboxes',
      unknown_virtual_mailbox_reject_code: '553',
      smtpd_reject_unlisted_sender: 'yes',
      transport_maps: 'texthash:$config_directory/transport',
    },
    maps: [
      { name: 'relay_recipients', content: 'known@relay.example x\n' },
      { name: 'virtual', content: 'info@alias.example nobody@mx.twinpost.test\n' },
      { name: 'mailboxes', content: 'user@box.example box/user/\n' },
      { name: 'transport', content: 'relay.example smtp:{{sink:relay}}\n' },
    ],
  },
  steps: [
    {
      kind: 'smtp', name: 'unlisted',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<ghost@relay.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<known@relay.example>', expect: { code: 551, text: '5.1.0 <ghost@relay.example>: Sender address rejected: User unknown in relay recipient table' } },
        { command: 'RSET', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: '250 2.1.0' },
        { command: 'RCPT TO:<stranger@relay.example>', expect: { code: 551, text: '5.1.1 <stranger@relay.example>: Recipient address rejected: User unknown in relay recipient table' } },
        { command: 'RCPT TO:<sales@alias.example>', expect: { code: 552, text: '5.1.1 <sales@alias.example>: Recipient address rejected: User unknown in virtual alias table' } },
        { command: 'RCPT TO:<other@box.example>', expect: { code: 553, text: '5.1.1 <other@box.example>: Recipient address rejected: User unknown in virtual mailbox table' } },
        { command: 'RCPT TO:<known@relay.example>', expect: '250 2.1.5' },
        { data: 'Subject: relayed\n\nhello\n', expect: { code: 250, text: /^2\.0\.0 Ok: queued as / } },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait-sink', sink: 'relay', messages: 1 },
    { kind: 'wait', event: { kind: 'disconnect' } },
  ],
  expect: {
    events: [
      { kind: 'reject', stage: 'RCPT', code: 551, from: 'ghost@relay.example' },
      { kind: 'reject', stage: 'RCPT', code: 551, to: 'stranger@relay.example' },
      { kind: 'reject', stage: 'RCPT', code: 552, to: 'sales@alias.example' },
      { kind: 'reject', stage: 'RCPT', code: 553, to: 'other@box.example' },
    ],
    deliveries: [{ sink: 'relay', from: 'alice@client.example', to: ['known@relay.example'] }],
    queue: 'empty',
  },
};
export default scenario;
