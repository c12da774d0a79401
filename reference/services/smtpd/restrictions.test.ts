import { describe, expect, it } from 'vitest';
import { RESTRICTIONS, RecipientChecker, type RestrictionSettings } from './restrictions.ts';
import type { TrivialRewriteClient } from '../contracts.ts';
import { RESOLVE_CLASS_LOCAL, RESOLVE_CLASS_RELAY, RESOLVE_FLAG_ROUTED } from '../../global/resolve-clnt.ts';
import { MAIL_ERROR } from '../../global/mail-error.ts';

/** A resolver that answers each recipient with the flags the test gives it. */
function rewriteWith(flags: Record<string, number>): TrivialRewriteClient {
  return {
    async rewrite(_rule, address) { return { address }; },
    async resolve(_sender, address) { return { transport: 'smtp', nexthop: 'x', recipient: address, flags: flags[address] }; },
  };
}

function checker(flags: Record<string, number>, relay: string[], allowUntrustedRouting?: boolean): RecipientChecker {
  const settings: RestrictionSettings = {
    relayRestrictions: relay, recipientRestrictions: [], rejectUnlistedRecipient: false,
    unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, allowUntrustedRouting,
    isMyNetwork: () => false, lookupLocalRecipient: async () => 'known',
  };
  return new RecipientChecker(settings, rewriteWith(flags));
}

const ctx = (recipient: string) => ({ clientAddr: '192.0.2.9', sender: 's@client.example', recipient });
const FLAGS = {
  'u%o.example@relay.example': RESOLVE_CLASS_RELAY | RESOLVE_FLAG_ROUTED,
  'u%o.example@mx.example': RESOLVE_CLASS_LOCAL | RESOLVE_FLAG_ROUTED,
  'u@relay.example': RESOLVE_CLASS_RELAY,
};

describe('permit_auth_destination and reject_unauth_destination (allow_untrusted_routing)', () => {
  it('refuses a routed relay_domains or local recipient when untrusted routing is not allowed (the default)', async () => {
    const c = checker(FLAGS, ['reject_unauth_destination']);
    expect(await c.check(ctx('u%o.example@relay.example'))).toEqual({ reply: '554 5.7.1 <u%o.example@relay.example>: Relay access denied' });
    expect(await c.check(ctx('u%o.example@mx.example'))).toEqual({ reply: '554 5.7.1 <u%o.example@mx.example>: Relay access denied' });
    expect(await c.check(ctx('u@relay.example'))).toBeUndefined();
  });

  it('accepts a routed recipient of an authorized destination with allow_untrusted_routing = yes', async () => {
    const c = checker(FLAGS, ['permit_auth_destination', 'reject'], true);
    expect(await c.check(ctx('u%o.example@relay.example'))).toBeUndefined();
    const strict = checker(FLAGS, ['permit_auth_destination', 'reject'], false);
    expect(await strict.check(ctx('u%o.example@relay.example'))).toEqual({ reply: '554 5.7.1 <u%o.example@relay.example>: Recipient address rejected: Access denied' });
  });
});

describe('restriction names', () => {
  it('answers a name it does not serve as Postfix answers an unknown one: a warning and 451 4.3.5', async () => {
    const warnings: string[] = [];
    const settings: RestrictionSettings = {
      relayRestrictions: ['permit_mynetworks', 'check_nonsense_access'], recipientRestrictions: [], rejectUnlistedRecipient: false,
      unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, isMyNetwork: () => false, lookupLocalRecipient: async () => 'known',
    };
    const c = new RecipientChecker(settings, rewriteWith(FLAGS), (t) => warnings.push(t));
    expect(await c.check(ctx('u@relay.example'))).toEqual({ reply: '451 4.3.5 Server configuration error', errorClass: MAIL_ERROR.SOFTWARE });
    expect(warnings).toEqual(['unknown smtpd restriction: "check_nonsense_access"']);
  });

  it('serves every name of RESTRICTIONS (none is answered as unknown)', async () => {
    for (const name of Object.keys(RESTRICTIONS)) {
      const warnings: string[] = [];
      const settings: RestrictionSettings = {
        relayRestrictions: [name], recipientRestrictions: [], rejectUnlistedRecipient: false,
        unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, isMyNetwork: () => false, lookupLocalRecipient: async () => 'known',
        unverified: async () => 'dunno',
      };
      await new RecipientChecker(settings, rewriteWith(FLAGS), (t) => warnings.push(t)).check(ctx('u@relay.example'));
      expect(warnings, name).toEqual([]);
    }
    expect(Object.keys(RESTRICTIONS).length).toBeGreaterThanOrEqual(12);
  });
});
