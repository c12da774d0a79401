/**
 * trivial-rewrite's "resolve" step (trivial-rewrite(8) "ADDRESS RESOLUTION", postfix-internals.md
 * §2.5): an internal-form recipient → (transport, nexthop, recipient, flags).
 *
 * 1. A loop strips every local @domain (remembering the last), turns user%site / site!user /
 *    quoted "u@x" local parts into new user@domain forms, and qualifies a bare user with
 *    @$myhostname, until a non-local domain is left or nothing is.
 * 2. The result domain is syntax-checked (ERROR → placeholders, class DEFAULT).
 * 3. Class: local, virtual alias, virtual mailbox, relay or default, each with its transport;
 *    relayhost / sender_dependent_* maps for relay and default; then transport_maps,
 *    relocated_maps and the allow_min_user check.
 */
import {
  RESOLVE_CLASS_ALIAS, RESOLVE_CLASS_DEFAULT, RESOLVE_CLASS_LOCAL, RESOLVE_CLASS_RELAY, RESOLVE_CLASS_VIRTUAL,
  RESOLVE_FLAG_ERROR, RESOLVE_FLAG_FAIL, RESOLVE_FLAG_ROUTED, type ResolveReply,
} from '../contracts.ts';
import { TableLookupError, Maps, MatchList, type OpenTable } from './maps.ts';
import { LocalDomains } from './local.ts';
import { rewriteTokens, type RewriteContext, type RewriteSettings } from './rewrite.ts';
import { appendToks, internalize, lastIndexOfType, op, quoteLocal, scan, type Tok } from './tok822.ts';
import { validHostaddr, validMailhostLiteral, validUtf8Hostname } from './hostname.ts';
import { applyTransportEntry, transportLookup, type Route } from './transport.ts';
import { mailAddrFind, type FindStrategy } from './addr-find.ts';
import type { Params } from './params.ts';

/** One resolver personality: "resolve" (regular) or "verify" (address_verify_* parameters). */
export interface Personality {
  localTransport: string;
  virtualTransport: string;
  relayTransport: string;
  defaultTransport: string;
  relayhost: string;
  transportMaps: Maps;
  senderRelayMaps: Maps;
  senderDefaultTransportMaps: Maps;
}

export interface ResolverSettings extends RewriteSettings {
  myhostname: string;
  emptyAddressRecipient: string;
  resolveDequoted: boolean;
  resolveNullDomain: boolean;
  resolveNumericDomain: boolean;
  smtputf8: boolean;
  showUnknownTable: boolean;
  allowMinUser: boolean;
  recipientDelimiter: string;
  transportParentStyle: boolean;
  nullRelayKey: string;
  nullDefaultTransportKey: string;
}

export class Resolver {
  readonly settings: ResolverSettings;
  private readonly local: LocalDomains;
  private readonly aliasDomains: MatchList;
  private readonly mailboxDomains: MatchList;
  private readonly relayDomains: MatchList;
  private readonly relocated: Maps;
  readonly regular: Personality;
  readonly verify: Personality;

  constructor(params: Params, open: OpenTable, readonly localContext: RewriteContext) {
    const parentStyle = (name: string) =>
      params.str('parent_domain_matches_subdomains').split(/[\s,]+/).includes(name);
    this.settings = {
      swapBangpath: params.bool('swap_bangpath'),
      percentHack: params.bool('allow_percent_hack'),
      appendAtMyorigin: params.bool('append_at_myorigin'),
      appendDotMydomain: params.bool('append_dot_mydomain'),
      myhostname: params.str('myhostname'),
      emptyAddressRecipient: params.str('empty_address_recipient'),
      resolveDequoted: params.bool('resolve_dequoted_address'),
      resolveNullDomain: params.bool('resolve_null_domain'),
      resolveNumericDomain: params.bool('resolve_numeric_domain'),
      smtputf8: params.bool('smtputf8_enable'),
      showUnknownTable: params.bool('show_user_unknown_table_name'),
      allowMinUser: params.bool('allow_min_user'),
      recipientDelimiter: params.str('recipient_delimiter'),
      transportParentStyle: parentStyle('transport_maps'),
      nullRelayKey: params.str('empty_address_relayhost_maps_lookup_key'),
      nullDefaultTransportKey: params.str('empty_address_default_transport_maps_lookup_key'),
    };
    this.local = new LocalDomains(params, open);
    this.aliasDomains = new MatchList(params.str('virtual_alias_domains'), open, 'string');
    this.mailboxDomains = new MatchList(params.str('virtual_mailbox_domains'), open, 'string');
    this.relayDomains = new MatchList(params.str('relay_domains'), open, 'domain', parentStyle('relay_domains'));
    this.relocated = new Maps('relocated_maps', params.str('relocated_maps'), open);
    const personality = (prefix: '' | 'address_verify_'): Personality => ({
      localTransport: params.str(`${prefix}local_transport`),
      virtualTransport: params.str(`${prefix}virtual_transport`),
      relayTransport: params.str(`${prefix}relay_transport`),
      defaultTransport: params.str(`${prefix}default_transport`),
      relayhost: params.str(`${prefix}relayhost`),
      transportMaps: new Maps(`${prefix}transport_maps`, params.str(`${prefix}transport_maps`), open),
      senderRelayMaps: new Maps(`${prefix}sender_dependent_relayhost_maps`, params.str(`${prefix}sender_dependent_relayhost_maps`), open),
      senderDefaultTransportMaps: new Maps(
        `${prefix}sender_dependent_default_transport_maps`, params.str(`${prefix}sender_dependent_default_transport_maps`), open),
    });
    this.regular = personality('');
    this.verify = personality('address_verify_');
  }

  async resolve(p: Personality, sender: string, address: string): Promise<ResolveReply> {
    try {
      return await this.resolveAddress(p, sender, address);
    } catch (e) {
      if (e instanceof TableLookupError) return failed();
      throw e;
    }
  }

  /** mail_addr_find's default strategy: full address, without extension, local part if local, @domain. */
  private async addrFind(maps: Maps, address: string): Promise<string | null> {
    if (maps.empty) return null;
    const how: FindStrategy = {
      full: true, noExt: true, atDomain: true,
      localIfLocal: async (d) => d.toLowerCase() === this.localContext.origin.toLowerCase() || this.local.isLocal(d),
    };
    return mailAddrFind(maps, address, this.settings.recipientDelimiter, how);
  }

  /** Step 1: the loop; returns the recipient tokens and whether the domain is remote. */
  private async stripLocal(address: string): Promise<{ toks: Tok[]; remote: boolean } | null> {
    const s = this.settings;
    const rewrite = (t: Tok[]) => rewriteTokens(s, this.localContext, t);
    let toks = scan(quoteLocal(address));
    let saved: Tok[] | null = null;
    const maxLoops = address.length + 100;
    for (let loop = 0; ; loop++) {
      if (loop > maxLoops) return null;
      // Strip one trailing dot of the domain (not "..", not "@.").
      const n = toks.length;
      if (n > 1 && toks[n - 1].type === '.' && lastIndexOfType(toks, '@') >= 0 &&
          toks[n - 2].type !== '.' && toks[n - 2].type !== '@') toks.pop();
      if (s.resolveNullDomain && toks.length && toks[toks.length - 1].type === '@') toks.pop();
      // Strip (and save) @domain if it is local.
      const at = lastIndexOfType(toks, '@');
      if (at >= 0) {
        if (at < toks.length - 1 && !(await this.local.isLocal(internalize(toks.slice(at + 1))))) {
          return { toks, remote: true };
        }
        saved = toks.splice(at);
      }
      // Routing operators left in the local part: rewrite to user@domain and go again.
      if (lastIndexOfType(toks, '@') >= 0 || (s.swapBangpath && lastIndexOfType(toks, '!') >= 0) ||
          (s.percentHack && lastIndexOfType(toks, '%') >= 0)) {
        rewrite(toks);
        continue;
      }
      // A quoted local part with routing operators inside is opened up (resolve_dequoted_address).
      if (s.resolveDequoted && toks.length === 1 && toks[0].type === 'qstring') {
        let text = toks[0].text;
        let oper = text.lastIndexOf('@');
        if (oper < 0 && s.percentHack) oper = text.lastIndexOf('%');
        if (oper < 0 && s.swapBangpath) oper = text.lastIndexOf('!');
        if (oper >= 0) {
          if (text[oper] === '%') text = text.slice(0, oper) + '@' + text.slice(oper + 1);
          toks = scan(text[oper] === '@' ? quoteLocal(text) : text);
          rewrite(toks);
          continue;
        }
      }
      // An empty local part becomes $empty_address_recipient; re-resolve it.
      if (toks.length === 1 && toks[0].type === 'qstring' && toks[0].text === '') toks = [];
      if (toks.length === 0) {
        toks = scan(s.emptyAddressRecipient);
        continue;
      }
      // No domain at all: qualify with @$myhostname and re-resolve.
      if (saved === null) {
        appendToks(toks, [op('@')]);
        appendToks(toks, scan(s.myhostname));
        continue;
      }
      appendToks(toks, saved);
      return { toks, remote: false };
    }
  }

  private async resolveAddress(p: Personality, sender: string, address: string): Promise<ResolveReply> {
    const s = this.settings;
    const stripped = await this.stripLocal(address);
    if (stripped === null) return failed();
    let remote = stripped.remote;
    let recipient = internalize(stripped.toks);
    let rcptDomain = recipient.slice(recipient.lastIndexOf('@') + 1);
    let flags = 0;
    const placeholder = () => ({
      transport: 'CHANNEL NOT UPDATED', nexthop: 'NEXTHOP NOT UPDATED', recipient, flags: flags | RESOLVE_CLASS_DEFAULT,
    });

    // Step 2: syntax of the result domain.
    if (rcptDomain.startsWith('[')) {
      if (!validMailhostLiteral(rcptDomain)) flags |= RESOLVE_FLAG_ERROR;
    } else if (!validUtf8Hostname(s.smtputf8, rcptDomain)) {
      if (s.resolveNumericDomain && validHostaddr(rcptDomain)) {
        recipient = `${recipient.slice(0, recipient.length - rcptDomain.length)}[${rcptDomain}]`;
        rcptDomain = `[${rcptDomain}]`;
        if (await this.local.isLocal(rcptDomain)) remote = false;
      } else {
        flags |= RESOLVE_FLAG_ERROR;
      }
    }
    if (flags & RESOLVE_FLAG_ERROR) return placeholder();

    // Routing operators in the local part, whatever the local settings.
    const firstOp = recipient.search(/[@!%]/);
    if (recipient.slice(firstOp + 1) !== rcptDomain) flags |= RESOLVE_FLAG_ROUTED;

    // Step 3: address class.
    const route: Route = { transport: '', nexthop: '' };
    if (!remote) {
      route.transport = p.localTransport;
      route.nexthop = rcptDomain;
      flags |= RESOLVE_CLASS_LOCAL;
    } else if (await this.aliasDomains.match(rcptDomain)) {
      route.transport = 'error';
      route.nexthop = `5.1.1 User unknown${s.showUnknownTable ? ' in virtual alias table' : ''}`;
      flags |= RESOLVE_CLASS_ALIAS;
    } else if (await this.mailboxDomains.match(rcptDomain)) {
      route.transport = p.virtualTransport;
      route.nexthop = rcptDomain;
      flags |= RESOLVE_CLASS_VIRTUAL;
    } else {
      if (await this.relayDomains.match(rcptDomain)) {
        route.transport = p.relayTransport;
        flags |= RESOLVE_CLASS_RELAY;
      } else {
        const xport = await this.addrFind(p.senderDefaultTransportMaps, sender || s.nullDefaultTransportKey);
        route.transport = xport === null || xport.toLowerCase() === 'dunno' ? p.defaultTransport : xport;
        flags |= RESOLVE_CLASS_DEFAULT;
      }
      let relay = await this.addrFind(p.senderRelayMaps, sender || s.nullRelayKey);
      if (relay !== null && relay.toLowerCase() === 'dunno') relay = null;
      route.nexthop = relay ?? (p.relayhost || rcptDomain);
    }

    // An explicit transport:nexthop in main.cf overrides the nexthop.
    const colon = route.transport.indexOf(':');
    if (colon >= 0) {
      const dest = route.transport.slice(colon + 1);
      route.transport = route.transport.slice(0, colon);
      if (dest) route.nexthop = dest;
    }
    if (route.transport === '') return failed(recipient);

    if (!p.transportMaps.empty && !(flags & RESOLVE_CLASS_ALIAS)) {
      const hit = await transportLookup(p.transportMaps, recipient, s.recipientDelimiter, s.transportParentStyle);
      if (hit !== null) applyTransportEntry(hit, rcptDomain, route);
    }
    if (!this.relocated.empty) {
      const moved = await this.addrFind(this.relocated, recipient);
      if (moved !== null) {
        route.transport = 'error';
        route.nexthop = `5.1.6 User has moved to ${moved}`;
      }
    }
    if (!s.allowMinUser && recipient.startsWith('-')) flags |= RESOLVE_FLAG_ERROR;
    return { ...route, recipient, flags };
  }
}

/** A failed request (table lookup error, loop limit): FAIL with the placeholders. */
function failed(recipient = 'NEXTRCPT NOT UPDATED'): ResolveReply {
  return { transport: 'CHANNEL NOT UPDATED', nexthop: 'NEXTHOP NOT UPDATED', recipient, flags: RESOLVE_FLAG_FAIL };
}
