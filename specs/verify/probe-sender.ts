import type { Scenario } from '../../harness/scenario/types.ts';
import { REFUSING_PEER, attempt, inProgress, probeConfig } from './_probes.ts';

/**
 * Who sends verify(8)'s probes (postconf(5) address_verify_sender). Probes come from
 * address_verify_sender — here "postmaster", which cleanup qualifies as postmaster@$myorigin —
 * instead of the default $double_bounce_sender; the peer sees that sender at MAIL FROM, and
 * the cached results answer later RCPTs. The reply code comes from the result (a bounced probe:
 * unverified_recipient_reject_code, left at 450 here) and its class picks the wording: a 4xx
 * says "unverified address", a 5xx "undeliverable address" (smtpd_check.c). The cache
 * clean-up pass is off (address_verify_cache_cleanup_interval = 0), so verify(8) logs nothing
 * of its own.
 */
const scenario: Scenario = {
  id: 'verify/probe-sender',
  title: 'address_verify_sender: probes come from postmaster',
  description: 'The peer refuses bad@ and accepts good@. Both probes are sent from postmaster@mx.twinpost.test (no double-bounce sender); afterwards good@ gets 250 and bad@ 450 "unverified address" with the peer\'s reply from the cache.',
  sinks: { remote: REFUSING_PEER },
  config: probeConfig({ address_verify_sender: 'postmaster' }),
  steps: [
    // one probe at a time (see verify/reject-unverified-recipient: scache timing)
    attempt('good, first', 'good@verify.example', inProgress('good@verify.example')),
    { kind: 'wait', event: { kind: 'delivery', to: 'good@verify.example', status: 'deliverable' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 1 },
    attempt('bad, first', 'bad@verify.example', inProgress('bad@verify.example')),
    { kind: 'wait', event: { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable' } },
    { kind: 'wait', event: { kind: 'removed' }, count: 2 },
    attempt('good, cached', 'good@verify.example', { code: 250, text: '2.1.5 Ok' }),
    attempt('bad, cached', 'bad@verify.example', { code: 450, text: /^4\.1\.1 <bad@verify\.example>: Recipient address rejected: unverified address: host 127\.0\.0\.1\[127\.0\.0\.1\] said: 550 5\.1\.1 / }),
    { kind: 'sink-connections', sink: 'remote', count: 2 },
    { kind: 'wait', event: { kind: 'disconnect' }, count: 4 },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'queue-active', from: 'postmaster@mx.twinpost.test', count: 2 },
      { kind: 'delivery', to: 'good@verify.example', status: 'deliverable', count: 1 },
      { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable', dsn: '5.1.1', count: 1 },
    ],
    noEvents: [{ kind: 'queue-active', from: 'double-bounce@mx.twinpost.test' }],
    queue: 'empty',
  },
};
export default scenario;
