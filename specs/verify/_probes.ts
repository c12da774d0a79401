/**
 * What the verify(8) scenarios share (not a scenario: a leading "_" keeps it out of the suite):
 * one SMTP session per RCPT, the "verification in progress" reply, a peer that refuses
 * bad@verify.example, and smtpd checking recipients with reject_unverified_recipient through
 * that peer, one probe per RCPT, without verify's cache clean-up pass (which logs lines of its
 * own at times that vary).
 */
import type { Step } from '../../harness/scenario/types.ts';
import type { MailConfig } from '../../harness/targets/types.ts';
import type { SinkOptions } from '../../harness/sink/types.ts';

/** One session whose one RCPT gets `reply`. */
export function attempt(name: string, rcpt: string, reply: { code: number; text: string | RegExp }): Step {
  return {
    kind: 'smtp',
    name,
    dialog: [
      { command: 'EHLO client.example', expect: 250 },
      { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
      { command: `RCPT TO:<${rcpt}>`, expect: reply },
      { command: 'QUIT', expect: 221 },
    ],
  };
}

/** smtpd's answer while a probe for `rcpt` is under way (unverified_recipient_tempfail_action). */
export const inProgress = (rcpt: string) => ({ code: 450, text: `4.1.1 <${rcpt}>: Recipient address rejected: unverified address: Address verification in progress` });

/** The peer: accepts good@verify.example, refuses bad@verify.example at RCPT. */
export const REFUSING_PEER: SinkOptions = {
  faults: [{ kind: 'reply', stage: 'rcpt', recipients: ['bad@verify.example'], reply: '550 5.1.1 <bad@verify.example>: no such user' }],
};

/** verify.example relayed to the peer, recipients verified; `main` adds the scenario's own settings. */
export function probeConfig(main: Record<string, string>): MailConfig {
  return {
    main: {
      relay_domains: 'verify.example',
      transport_maps: 'texthash:$config_directory/transport',
      smtpd_recipient_restrictions: 'reject_unverified_recipient, permit_mynetworks, reject_unauth_destination',
      address_verify_poll_count: '1',
      ...main,
      address_verify_cache_cleanup_interval: '0',
    },
    maps: [{ name: 'transport', content: 'verify.example smtp:{{sink:remote}}\n' }],
  };
}
