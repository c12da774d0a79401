/**
 * smtpd(8) access restrictions evaluated at RCPT TO (and VRFY), as smtpd_check.c does:
 * smtpd_relay_restrictions first, then smtpd_recipient_restrictions, then the implicit
 * reject_unlisted_recipient (smtpd_reject_unlisted_recipient = yes). Supported:
 * permit_mynetworks, permit_sasl_authenticated (never matches: no SASL), permit,
 * reject, defer, reject_unauth_destination, defer_unauth_destination,
 * permit_auth_destination, reject_unlisted_recipient, reject_non_fqdn_recipient.
 * Destination classes come from trivial-rewrite (rewrite "local", then resolve).
 *
 * A routed recipient (trivial-rewrite's RESOLVE_FLAG_ROUTED: "@", "!" or "%" left in the local
 * part of the resolved address, e.g. user%other@relay.example) is never an authorized
 * destination unless allow_untrusted_routing = yes, whatever its class, local ones included
 * (smtpd_check.c permit_auth_destination; postconf(5) allow_untrusted_routing).
 */
import type { ResolveReply, TrivialRewriteClient } from '../contracts.ts';
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

/** A rejection: the full SMTP reply text ("554 5.7.1 <x>: Relay access denied"). */
export type CheckResult = { reply: string } | undefined;

export class RecipientChecker {
  constructor(private readonly settings: RestrictionSettings, private readonly rewrite: TrivialRewriteClient) {}

  private async resolve(sender: string, recipient: string): Promise<ResolveReply> {
    const rs = sender ? (await this.rewrite.rewrite('local', sender)).address : '';
    const rr = (await this.rewrite.rewrite('local', recipient)).address;
    return this.rewrite.resolve(rs, rr);
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

  private async one(name: string, ctx: CheckContext, resolved: () => Promise<ResolveReply>): Promise<CheckResult | 'permit' | 'dunno'> {
    const rcpt = `<${ctx.recipient}>`;
    switch (name) {
      case 'permit': return 'permit';
      case 'reject': return { reply: `554 5.7.1 ${rcpt}: Recipient address rejected: Access denied` };
      case 'defer': return { reply: `450 4.7.1 ${rcpt}: Recipient address rejected: Access denied` };
      case 'permit_mynetworks': return this.settings.isMyNetwork(ctx.clientAddr) ? 'permit' : 'dunno';
      case 'permit_sasl_authenticated': return 'dunno';
      case 'reject_unauth_destination':
      case 'defer_unauth_destination': {
        if (this.authorizedDestination(await resolved())) return 'dunno';
        return name === 'reject_unauth_destination'
          ? { reply: `${this.settings.relayDomainsRejectCode} 5.7.1 ${rcpt}: Relay access denied` }
          : { reply: `454 4.7.1 ${rcpt}: Relay access denied` };
      }
      case 'permit_auth_destination': return this.authorizedDestination(await resolved()) ? 'permit' : 'dunno';
      case 'reject_unlisted_recipient': return (await this.unlisted(ctx, await resolved())) ?? 'dunno';
      case 'reject_non_fqdn_recipient': {
        const at = ctx.recipient.lastIndexOf('@');
        const domain = at < 0 ? '' : ctx.recipient.slice(at + 1);
        return domain && domain.includes('.') ? 'dunno' : { reply: `504 5.5.2 ${rcpt}: Recipient address rejected: need fully-qualified address` };
      }
      case 'reject_unverified_recipient':
        if (this.settings.unverified) return this.settings.unverified(ctx.recipient, 'Recipient');
        return { reply: `451 4.3.5 Server configuration error` };
      case 'reject_unverified_sender':
        if (this.settings.unverified) return ctx.sender ? this.settings.unverified(ctx.sender, 'Sender') : 'dunno';
        return { reply: `451 4.3.5 Server configuration error` };
      default:
        return { reply: `451 4.3.5 Server configuration error` };
    }
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
    if (found === 'error') return { reply: `451 4.3.0 ${rcpt}: Temporary lookup failure` };
    return undefined;
  }

  /**
   * permit_auth_destination's test: a final (local, virtual alias, virtual mailbox) or
   * relay_domains destination, unless the address is source-routed and routing from untrusted
   * clients is not allowed: the next hop might honour the route and relay further.
   */
  private authorizedDestination(reply: ResolveReply): boolean {
    if (!this.settings.allowUntrustedRouting && (reply.flags & RESOLVE_FLAG_ROUTED)) return false;
    return (reply.flags & (RESOLVE_CLASS_FINAL | RESOLVE_CLASS_RELAY)) !== 0;
  }
}
