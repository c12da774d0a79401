import type { Scenario, Step } from '../../harness/scenario/types.ts';

/**
 * reject_unverified_recipient: smtpd asks verify(8) about the recipient; the first time the
 * status is unknown, verify sends a probe through the queue (from double-bounce, no body:
 * smtp(8) stops after RCPT) and smtpd answers 450 "Address verification in progress"
 * (address_verify_poll_count = 1, so smtpd does not wait). The probes are logged with status
 * deliverable / undeliverable and never reach the peer as mail. Later RCPTs get the cached
 * result: 250 for the address the peer accepted, 550 (unverified_recipient_reject_code) for
 * the one it refused. verify(8), smtpd(8) reject_unverified_recipient, ADDRESS_VERIFICATION_README.
 */
/** A session whose one RCPT gets 450 while verify(8) probes the address. */
function firstAttempt(user: string): Step {
  const rcpt = `${user}@verify.example`;
  return {
    kind: 'smtp',
    name: `first attempt, ${user}`,
    dialog: [
      { command: 'EHLO client.example', expect: 250 },
      { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
      { command: `RCPT TO:<${rcpt}>`, expect: { code: 450, text: `4.1.1 <${rcpt}>: Recipient address rejected: unverified address: Address verification in progress` } },
      { command: 'QUIT', expect: 221 },
    ],
  };
}

const scenario: Scenario = {
  id: 'verify/reject-unverified-recipient',
  title: 'reject_unverified_recipient: 450 while probing, then 250 / 550 from the cache',
  description: 'The peer answers 250 for good@ and 550 for bad@. First RCPTs get 450 4.1.1 (verification in progress); probes run; later RCPTs get 250 and 550 5.1.1 with the peer\'s reply in the text. The peer never receives a message.',
  sinks: { remote: { faults: [{ kind: 'reply', stage: 'rcpt', recipients: ['bad@verify.example'], reply: '550 5.1.1 <bad@verify.example>: no such user' }] } },
  config: {
    main: {
      relay_domains: 'verify.example',
      transport_maps: 'texthash:$config_directory/transport',
      smtpd_recipient_restrictions: 'reject_unverified_recipient, permit_mynetworks, reject_unauth_destination',
      address_verify_poll_count: '1',
      unverified_recipient_reject_code: '550',
    },
    maps: [{ name: 'transport', content: 'verify.example smtp:{{sink:remote}}\n' }],
  },
  steps: [
    // One address, and so one probe, at a time: two probes in flight at once make real Postfix
    // keep the second probe's session in scache or not, depending on timing (qmgr caches only
    // back-to-back deliveries of one destination).
    firstAttempt('good'),
    { kind: 'wait', event: { kind: 'delivery', to: 'good@verify.example', status: 'deliverable' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    firstAttempt('bad'),
    { kind: 'wait', event: { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
    {
      kind: 'smtp',
      name: 'after the probes',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<good@verify.example>', expect: { code: 250, text: '2.1.5 Ok' } },
        {
          command: 'RCPT TO:<bad@verify.example>',
          expect: { code: 550, text: /^5\.1\.1 <bad@verify\.example>: Recipient address rejected: undeliverable address: host 127\.0\.0\.1\[127\.0\.0\.1\] said: 550 5\.1\.1 <bad@verify\.example>: no such user \(in reply to RCPT TO command\)$/ },
        },
        { command: 'RSET', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 3 },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', to: 'good@verify.example', status: 'deliverable', dsn: '2.1.5', count: 1 },
      { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable', dsn: '5.1.1', count: 1 },
      { kind: 'queue-active', from: 'double-bounce@mx.twinpost.test', count: 2 },
      { kind: 'removed', count: 2 },
      { kind: 'reject', stage: 'RCPT', code: 450, to: 'good@verify.example', count: 1 },
      { kind: 'reject', stage: 'RCPT', code: 550, dsn: '5.1.1', to: 'bad@verify.example', count: 1 },
    ],
    noEvents: [{ kind: 'delivery', status: 'sent' }],
    queue: 'empty',
  },
  knownDivergences: [
    {
      target: 'reference',
      item: 'maillog postfix/verify',
      what: /: cache \S+ full cleanup: retained=\d+ dropped=\d+ entries$/,
      reason: 'verify(8) starts a cleanup pass over its cache soon after it starts (address_verify_cache_cleanup_interval) and logs the result; the reference verify has no cleanup pass',
    },
  ],
};
export default scenario;
