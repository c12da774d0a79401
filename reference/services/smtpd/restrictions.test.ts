import { describe, expect, it } from 'vitest';
import { DEFAULT_REJECT_CODES, RESTRICTIONS, RecipientChecker, rejectReply, type CheckContext, type RestrictionSettings } from './restrictions.ts';
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
        // The check_*_access names take the table after them; the others leave it to check_recipient_access.
        relayRestrictions: [name, 'texthash:/none'], recipientRestrictions: [], rejectUnlistedRecipient: false,
        unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, isMyNetwork: () => false, lookupLocalRecipient: async () => 'known',
        unverified: async () => 'dunno', accessTable: (spec) => ({ spec, find: async () => null }),
      };
      await new RecipientChecker(settings, rewriteWith(FLAGS), (t) => warnings.push(t)).check(ctx('u@relay.example'));
      expect(warnings, name).toEqual([]);
    }
    expect(Object.keys(RESTRICTIONS).length).toBeGreaterThanOrEqual(12);
  });
});

/** Settings with one access table (key → value) and the given lists. */
function withTable(entries: Record<string, string>, extra: Partial<RestrictionSettings>): RestrictionSettings {
  return {
    relayRestrictions: [], recipientRestrictions: [], rejectUnlistedRecipient: false,
    unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, isMyNetwork: () => false, lookupLocalRecipient: async () => 'known',
    accessTable: (spec) => ({ spec, find: async (key) => entries[key] ?? null }),
    ...extra,
  };
}

const full = (recipient: string, more: Partial<CheckContext> = {}): CheckContext => ({
  clientAddr: '192.0.2.9', clientName: 'unknown', namaddr: 'unknown[192.0.2.9]', helo: 'client.example', sender: 's@client.example', recipient, ...more,
});

describe('access tables, restriction classes and reply codes', () => {
  it('answers REJECT and DEFER with access_map_reject_code / access_map_defer_code and the table text', async () => {
    const codes = { ...DEFAULT_REJECT_CODES, accessMapReject: 553, accessMapDefer: 452 };
    const c = new RecipientChecker(withTable({ 'client.example': 'REJECT Go away', 'x@mx.example': 'DEFER' }, {
      heloRestrictions: ['check_helo_access', 'texthash:/helo'], recipientRestrictions: ['check_recipient_access', 'texthash:/rcpt'], codes,
    }), rewriteWith(FLAGS));
    expect(await c.check(full('u@relay.example'))).toEqual({ reply: '553 5.7.1 <client.example>: Helo command rejected: Go away' });
    expect(await c.check(full('x@mx.example', { helo: 'other.example' }))).toEqual({ reply: '452 4.7.1 <x@mx.example>: Recipient address rejected: Access denied' });
  });

  it('looks up the domain\'s parents and the null sender under smtpd_null_access_lookup_key', async () => {
    const c = new RecipientChecker(withTable({ 'example': '550 5.7.0 No', '<null>': 'REJECT' }, {
      senderRestrictions: ['check_sender_access', 'texthash:/s'], nullAccessKey: '<null>',
    }), rewriteWith(FLAGS));
    expect(await c.check(full('u@relay.example', { sender: 'a@b.client.example' }))).toEqual({ reply: '550 5.7.0 <a@b.client.example>: Sender address rejected: No' });
    expect(await c.check(full('u@relay.example', { sender: '' }))).toEqual({ reply: '554 5.7.1 <>: Sender address rejected: Access denied' });
  });

  it('runs a restriction class named by a table value, with reject_code and defer_code', async () => {
    const classes = new Map([['refuse_all', ['reject']], ['hold_all', ['defer']]]);
    const codes = { ...DEFAULT_REJECT_CODES, reject: 550, defer: 451 };
    const c = new RecipientChecker(withTable({ 'bad@client.example': 'refuse_all', 'slow@client.example': 'hold_all' }, {
      senderRestrictions: ['check_sender_access', 'texthash:/s'], restrictionClasses: classes, codes,
    }), rewriteWith(FLAGS));
    expect(await c.check(full('u@relay.example', { sender: 'bad@client.example' }))).toEqual({ reply: '550 5.7.1 <bad@client.example>: Sender address rejected: Access denied' });
    expect(await c.check(full('u@relay.example', { sender: 'slow@client.example' }))).toEqual({ reply: '451 4.3.2 <slow@client.example>: Sender address rejected: Try again later' });
  });

  it('applies the sender list at RCPT only with smtpd_delay_reject = yes', async () => {
    const lists = { senderRestrictions: ['reject'] };
    expect(await new RecipientChecker(withTable({}, lists), rewriteWith(FLAGS)).check(full('u@relay.example'))).toBeDefined();
    expect(await new RecipientChecker(withTable({}, { ...lists, delayReject: false }), rewriteWith(FLAGS)).check(full('u@relay.example'))).toBeUndefined();
  });

  it('makes 5xx rejections 4xx under soft_bounce, status code included', () => {
    expect(rejectReply(withTable({}, { softBounce: true }), 550, '5.1.1', 'x')).toEqual({ reply: '450 4.1.1 x' });
    expect(rejectReply(withTable({}, {}), 504, '4.5.2', 'x')).toEqual({ reply: '504 5.5.2 x' });
  });

  it('makes the reply printable with a blank for each character it cannot show (smtpd_check_reject)', () => {
    expect(rejectReply(withTable({}, { smtputf8: true }), 550, '5.1.1', '<a\x1bb\x7f>: ü')).toEqual({ reply: '550 5.1.1 <a b >: ü' });
    expect(rejectReply(withTable({}, { smtputf8: false }), 550, '5.1.1', '<a\x1b>: ü')).toEqual({ reply: '550 5.1.1 <a >:  ' });
  });

  it('refuses a bare table where the stage has no default access restriction (DATA)', async () => {
    const warnings: string[] = [];
    const c = new RecipientChecker(withTable({}, { dataRestrictions: ['texthash:/d'] }), rewriteWith(FLAGS), (t) => warnings.push(t));
    expect(await c.checkData(full('u@relay.example'))).toEqual({ reply: '451 4.3.5 Server configuration error', errorClass: MAIL_ERROR.SOFTWARE });
    expect(warnings[0]).toMatch(/before Data command restriction "texthash:\/d"/);
  });
});

describe('recipient list order and end of data (smtpd_check_rcpt, smtpd_check_eod)', () => {
  const base: RestrictionSettings = {
    relayRestrictions: ['reject'], recipientRestrictions: ['defer'], rejectUnlistedRecipient: false,
    unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, isMyNetwork: () => false, lookupLocalRecipient: async () => 'known',
  };

  it('asks the relay list first unless smtpd_relay_before_recipient_restrictions = no', async () => {
    const relayFirst = new RecipientChecker(base, rewriteWith(FLAGS));
    expect((await relayFirst.check(ctx('u@relay.example')))?.reply).toBe('554 5.7.1 <u@relay.example>: Recipient address rejected: Access denied');
    const rcptFirst = new RecipientChecker({ ...base, relayBeforeRecipient: false }, rewriteWith(FLAGS));
    expect((await rcptFirst.check(ctx('u@relay.example')))?.reply).toBe('450 4.3.2 <u@relay.example>: Recipient address rejected: Try again later');
  });

  it('answers smtpd_end_of_data_restrictions as End-of-data for END-OF-MESSAGE, nothing when empty', async () => {
    const c = new RecipientChecker({ ...base, endOfDataRestrictions: ['reject'] }, rewriteWith(FLAGS));
    expect((await c.checkEndOfData({ ...ctx('u@relay.example'), rcptCount: 1 }))?.reply).toBe('554 5.7.1 <END-OF-MESSAGE>: End-of-data rejected: Access denied');
    expect(await new RecipientChecker(base, rewriteWith(FLAGS)).checkEndOfData(ctx('u@relay.example'))).toBeUndefined();
  });
});
