import type { Scenario, Step } from '../../harness/scenario/types.ts';
import { probeConfig, REFUSING_PEER } from '../verify/_probes.ts';

/**
 * reject_unverified_sender (postconf(5), smtpd_check.c, verify(8)): smtpd asks verify(8)
 * about the envelope sender; while the probe is under way the answer is 450 4.1.7 "Sender
 * address rejected: unverified address: Address verification in progress"; once the peer has
 * refused the address the sender is rejected with unverified_sender_reject_code (450 by
 * default; a 4xx code keeps the words "unverified address") and the peer's reply as the
 * reason. The texts name the sender, the "Sender" role and its own enhanced status code
 * (4.1.7, where a recipient gets 4.1.1). Written for the mutation campaign: only recipients
 * were verified in the scenarios.
 */
function attempt(name: string, reply: { code: number; text: string | RegExp }): Step {
  return {
    kind: 'smtp',
    name,
    dialog: [
      { command: 'EHLO client.example', expect: 250 },
      { command: 'MAIL FROM:<bad@verify.example>', expect: 250 },
      { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: reply },
      { command: 'QUIT', expect: 221 },
    ],
  };
}

const scenario: Scenario = {
  id: 'smtpd/reject-unverified-sender',
  title: 'reject_unverified_sender: 450 4.1.7 while probing, then the peer\'s refusal',
  description: 'MAIL FROM:<bad@verify.example>, whose domain is relayed to a peer that refuses it: the first RCPT gets 450 4.1.7 (verification in progress), the probe is undeliverable, the next RCPT gets 450 4.1.7 with the peer\'s reply.',
  sinks: { remote: REFUSING_PEER },
  config: probeConfig({ smtpd_recipient_restrictions: 'reject_unverified_sender, permit_mynetworks, reject_unauth_destination' }),
  steps: [
    attempt('first attempt', { code: 450, text: '4.1.7 <bad@verify.example>: Sender address rejected: unverified address: Address verification in progress' }),
    { kind: 'wait', event: { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable' } },
    { kind: 'wait', event: { kind: 'removed' } },
    attempt('after the probe', { code: 450, text: /^4\.1\.7 <bad@verify\.example>: Sender address rejected: unverified address: host 127\.0\.0\.1\[127\.0\.0\.1\] said: 550 5\.1\.1 <bad@verify\.example>: no such user \(in reply to RCPT TO command\)$/ }),
    { kind: 'wait', event: { kind: 'disconnect' }, count: 2 },
  ],
  expect: {
    sinkMessages: { remote: 0 },
    events: [
      { kind: 'delivery', to: 'bad@verify.example', status: 'undeliverable', dsn: '5.1.1', count: 1 },
      { kind: 'reject', stage: 'RCPT', code: 450, count: 2 },
    ],
    queue: 'empty',
  },
};
export default scenario;
