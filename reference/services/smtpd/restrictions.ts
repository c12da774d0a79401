/**
 * smtpd(8) access restrictions evaluated at RCPT TO (and VRFY), as smtpd_check.c does:
 * smtpd_relay_restrictions first, then smtpd_recipient_restrictions, then the implicit
 * reject_unlisted_recipient (smtpd_reject_unlisted_recipient = yes). The restrictions served are
 * the entries of RESTRICTIONS below, each naming its postconf(5) entry; any other name is what
 * Postfix makes of a name it does not know: a warning 'unknown smtpd restriction: "NAME"' and
 * "451 4.3.5 Server configuration error". Destination classes come from trivial-rewrite
 * (rewrite "local", then resolve).
 *
 * Differs from Postfix: Postfix knows many more restriction names (check_*_access tables,
 * reject_rbl_client, reject_unknown_*, check_policy_service, restriction classes …); the
 * reference answers those as unknown. They arrive with the front door (issue 15).
 *
 * A routed recipient (trivial-rewrite's RESOLVE_FLAG_ROUTED: "@", "!" or "%" left in the local
 * part of the resolved address, e.g. user%other@relay.example) is never an authorized
 * destination unless allow_untrusted_routing = yes, whatever its class, local ones included
 * (smtpd_check.c permit_auth_destination; postconf(5) allow_untrusted_routing).
 */
import type { ResolveReply, TrivialRewriteClient } from '../contracts.ts';
import { MAIL_ERROR } from '../../global/mail-error.ts';
import { rewriteInternal } from '../../global/rewrite-clnt.ts';
import { RESOLVE_CLASS_FINAL, RESOLVE_CLASS_LOCAL, RESOLVE_CLASS_RELAY, RESOLVE_FLAG_ROUTED } from '../../global/resolve-clnt.ts';

/** Result of a local recipient lookup: unknown = the table does not list it. */
export type RecipientLookup = 'known' | 'unknown' | 'no-table' | 'error';

export interface RestrictionSettings {
  relayRestrictions: string[];
  recipientRestrictions: string[];
  rejectUnlistedRecipient: boolean;
  /** smtpd_reject_unlisted_recipient code for local users (unknown_local_recipient_reject_code). */
  unknownLocalRecipientRejectCode: number;
  relayDomainsRejectCode: number;
  /** allow_untrusted_routing; left out = "no", Postfix's default. */
  allowUntrustedRouting?: boolean;
  isMyNetwork: (clientAddr: string) => boolean;
  /** local_recipient_maps lookup for a local-class address. */
  lookupLocalRecipient: (address: string) => Promise<RecipientLookup>;
  /** reject_unverified_recipient / _sender through verify(8); absent = not configured. */
  unverified?: (address: string, role: 'Recipient' | 'Sender') => Promise<CheckResult | 'dunno'>;
}

export interface CheckContext {
  clientAddr: string;
  sender: string;
  recipient: string;
}

/**
 * A rejection: the full SMTP reply text ("554 5.7.1 <x>: Relay access denied"), and its error
 * class (global/mail-error.ts; policy when not given) for postmaster notices.
 */
export type CheckResult = { reply: string; errorClass?: number } | undefined;

/** One restriction's verdict: a rejection, "permit" (ends this list), or "dunno" (the next one decides). */
type Verdict = CheckResult | 'permit' | 'dunno';

/** What a restriction sees: the settings, the recipient, and its resolution (asked for once, when needed). */
interface RestrictionInput {
  settings: RestrictionSettings;
  ctx: CheckContext;
  /** "<recipient>" as replies quote it. */
  rcpt: string;
  resolved: () => Promise<ResolveReply>;
  unlisted: () => Promise<CheckResult>;
}

/** A restriction the reference serves, with the postconf(5) entry it follows. */
interface Restriction {
  doc: string;
  check: (i: RestrictionInput) => Promise<Verdict> | Verdict;
}

const SERVER_CONFIGURATION_ERROR: CheckResult = { reply: '451 4.3.5 Server configuration error', errorClass: MAIL_ERROR.SOFTWARE };

/**
 * permit_auth_destination's test: a final (local, virtual alias, virtual mailbox) or
 * relay_domains destination, unless the address is source-routed and routing from untrusted
 * clients is not allowed: the next hop might honour the route and relay further.
 */
function authorizedDestination(settings: RestrictionSettings, reply: ResolveReply): boolean {
  if (!settings.allowUntrustedRouting && (reply.flags & RESOLVE_FLAG_ROUTED)) return false;
  return (reply.flags & (RESOLVE_CLASS_FINAL | RESOLVE_CLASS_RELAY)) !== 0;
}

/** reject_unverified_recipient / _sender: through verify(8), a configuration error without it. */
function unverified(role: 'Recipient' | 'Sender') {
  return async ({ settings, ctx }: RestrictionInput): Promise<Verdict> => {
    if (!settings.unverified) return SERVER_CONFIGURATION_ERROR;
    const address = role === 'Recipient' ? ctx.recipient : ctx.sender;
    return address ? settings.unverified(address, role) : 'dunno';
  };
}

/** Every restriction name the reference serves (lower case, as smtpd_check.c compares them). */
export const RESTRICTIONS: Readonly<Record<string, Restriction>> = {
  permit: { doc: 'postconf(5) permit', check: () => 'permit' },
  reject: { doc: 'postconf(5) reject', check: ({ rcpt }) => ({ reply: `554 5.7.1 ${rcpt}: Recipient address rejected: Access denied` }) },
  defer: { doc: 'postconf(5) defer', check: ({ rcpt }) => ({ reply: `450 4.7.1 ${rcpt}: Recipient address rejected: Access denied` }) },
  permit_mynetworks: { doc: 'postconf(5) permit_mynetworks', check: ({ settings, ctx }) => (settings.isMyNetwork(ctx.clientAddr) ? 'permit' : 'dunno') },
  // No SASL in the reference yet (issue 14): never authenticated.
  permit_sasl_authenticated: { doc: 'postconf(5) permit_sasl_authenticated', check: () => 'dunno' },
  reject_unauth_destination: {
    doc: 'postconf(5) reject_unauth_destination, relay_domains_reject_code',
    check: async ({ settings, rcpt, resolved }) => (authorizedDestination(settings, await resolved())
      ? 'dunno' : { reply: `${settings.relayDomainsRejectCode} 5.7.1 ${rcpt}: Relay access denied` }),
  },
  defer_unauth_destination: {
    doc: 'postconf(5) defer_unauth_destination',
    check: async ({ settings, rcpt, resolved }) => (authorizedDestination(settings, await resolved()) ? 'dunno' : { reply: `454 4.7.1 ${rcpt}: Relay access denied` }),
  },
  permit_auth_destination: {
    doc: 'postconf(5) permit_auth_destination',
    check: async ({ settings, resolved }) => (authorizedDestination(settings, await resolved()) ? 'permit' : 'dunno'),
  },
  reject_unlisted_recipient: { doc: 'postconf(5) reject_unlisted_recipient', check: async ({ unlisted }) => (await unlisted()) ?? 'dunno' },
  reject_non_fqdn_recipient: {
    doc: 'postconf(5) reject_non_fqdn_recipient, non_fqdn_reject_code',
    check: ({ ctx, rcpt }) => {
      const at = ctx.recipient.lastIndexOf('@');
      const domain = at < 0 ? '' : ctx.recipient.slice(at + 1);
      return domain && domain.includes('.') ? 'dunno' : { reply: `504 5.5.2 ${rcpt}: Recipient address rejected: need fully-qualified address` };
    },
  },
  reject_unverified_recipient: { doc: 'postconf(5) reject_unverified_recipient', check: unverified('Recipient') },
  reject_unverified_sender: { doc: 'postconf(5) reject_unverified_sender', check: unverified('Sender') },
};

export class RecipientChecker {
  constructor(
    private readonly settings: RestrictionSettings,
    private readonly rewrite: TrivialRewriteClient,
    /** Where "unknown smtpd restriction" warnings go. */
    private readonly warn: (text: string) => void = () => undefined,
  ) {}

  /** The recipient resolved as smtpd_check.c resolves it: both addresses rewritten in the "local" context, internal form. */
  private async resolve(sender: string, recipient: string): Promise<ResolveReply> {
    const rs = sender ? await rewriteInternal(this.rewrite, 'local', sender) : '';
    return this.rewrite.resolve(rs, await rewriteInternal(this.rewrite, 'local', recipient));
  }

  /** Run every restriction list for one recipient; undefined = accept. */
  async check(ctx: CheckContext): Promise<CheckResult> {
    // RFC 5321 section 3.6: "postmaster" is accepted even without a domain, before any check.
    if (ctx.recipient.toLowerCase() === 'postmaster') return undefined;
    let reply: ResolveReply | undefined;
    const resolved = async (): Promise<ResolveReply> => (reply ??= await this.resolve(ctx.sender, ctx.recipient));
    for (const list of [this.settings.relayRestrictions, this.settings.recipientRestrictions]) {
      const r = await this.runList(list, ctx, resolved);
      // A permit ends one list only; each list is evaluated on its own (smtpd_check_rcpt).
      if (r && r !== 'permit') return r;
    }
    if (this.settings.rejectUnlistedRecipient) return this.unlisted(ctx, await resolved());
    return undefined;
  }

  private async runList(list: string[], ctx: CheckContext, resolved: () => Promise<ResolveReply>): Promise<CheckResult | 'permit'> {
    for (const name of list) {
      const r = await this.one(name.toLowerCase(), ctx, resolved);
      if (r !== 'dunno') return r;
    }
    return undefined;
  }

  private async one(name: string, ctx: CheckContext, resolved: () => Promise<ResolveReply>): Promise<Verdict> {
    const restriction = RESTRICTIONS[name];
    if (!restriction) {
      this.warn(`unknown smtpd restriction: "${name}"`);
      return SERVER_CONFIGURATION_ERROR;
    }
    return restriction.check({
      settings: this.settings, ctx, rcpt: `<${ctx.recipient}>`, resolved,
      unlisted: async () => this.unlisted(ctx, await resolved()),
    });
  }

  private async unlisted(ctx: CheckContext, reply: ResolveReply): Promise<CheckResult> {
    if (!(reply.flags & RESOLVE_CLASS_LOCAL)) return undefined;
    // Addresses qmgr and bounce absorb or generate are never "unknown".
    const lower = reply.recipient.toLowerCase();
    if (['double-bounce@', 'postmaster@', 'mailer-daemon@'].some((p) => lower.startsWith(p))) return undefined;
    const found = await this.settings.lookupLocalRecipient(reply.recipient);
    const rcpt = `<${ctx.recipient}>`;
    if (found === 'unknown') {
      return { reply: `${this.settings.unknownLocalRecipientRejectCode} 5.1.1 ${rcpt}: Recipient address rejected: User unknown in local recipient table` };
    }
    if (found === 'error') return { reply: `451 4.3.0 ${rcpt}: Temporary lookup failure`, errorClass: MAIL_ERROR.RESOURCE };
    return undefined;
  }
}
