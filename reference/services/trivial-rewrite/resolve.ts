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
import type { ResolveReply } from '../contracts.ts';
import {
  RESOLVE_CLASS_ALIAS, RESOLVE_CLASS_DEFAULT, RESOLVE_CLASS_LOCAL, RESOLVE_CLASS_RELAY, RESOLVE_CLASS_VIRTUAL,
  RESOLVE_FLAG_ERROR, RESOLVE_FLAG_FAIL, RESOLVE_FLAG_ROUTED,
} from '../../global/resolve-clnt.ts';
import { TableLookupError, Maps, MatchList, type OpenTable } from '../../global/maps.ts';
import { casefold } from '../../global/case-fold.ts';
import { LocalDomains } from '../../global/resolve-local.ts';
import { rewriteTokens, type RewriteContext, type RewriteSettings } from './rewrite.ts';
import { appendToks, internalize, lastIndexOfType, op, quoteLocal, scan, type Tok } from '../../global/tok822.ts';
import { MidnaCache, validHostaddr, validMailhostLiteral, validUtf8Hostname } from '../../global/hostname.ts';
import { applyTransportEntry, transportLookup, TransportMaps } from './transport.ts';
import { mailAddrFind, type FindStrategy } from './addr-find.ts';
import type { Params } from './params.ts';

/** One resolver personality: "resolve" (regular) or "verify" (address_verify_* parameters). */
export interface Personality {
  localTransport: string;
  virtualTransport: string;
  relayTransport: string;
  defaultTransport: string;
  relayhost: string;
  transportMaps: TransportMaps;
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

  /** This process's UTF-8 domain conversions (valid_utf8_hostname() through midna_domain_to_ascii()). */
  private readonly midna: MidnaCache;

  constructor(params: Params, open: OpenTable, readonly localContext: RewriteContext, private readonly warn: (text: string) => void = () => undefined) {
    this.midna = new MidnaCache(warn);
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
    const utf8 = this.settings.smtputf8;
    this.aliasDomains = new MatchList(params.str('virtual_alias_domains'), open, 'string', false, utf8);
    this.mailboxDomains = new MatchList(params.str('virtual_mailbox_domains'), open, 'string', false, utf8);
    this.relayDomains = new MatchList(params.str('relay_domains'), open, 'domain', parentStyle('relay_domains'), utf8);
    this.relocated = new Maps('relocated_maps', params.str('relocated_maps'), open, utf8);
    const personality = (prefix: '' | 'address_verify_'): Personality => ({
      localTransport: params.str(`${prefix}local_transport`),
      virtualTransport: params.str(`${prefix}virtual_transport`),
      relayTransport: params.str(`${prefix}relay_transport`),
      defaultTransport: params.str(`${prefix}default_transport`),
      relayhost: params.str(`${prefix}relayhost`),
      transportMaps: new TransportMaps(new Maps(`${prefix}transport_maps`, params.str(`${prefix}transport_maps`), open, utf8)),
      senderRelayMaps: new Maps(`${prefix}sender_dependent_relayhost_maps`, params.str(`${prefix}sender_dependent_relayhost_maps`), open, utf8),
      senderDefaultTransportMaps: new Maps(
        `${prefix}sender_dependent_default_transport_maps`, params.str(`${prefix}sender_dependent_default_transport_maps`), open, utf8),
    });
    this.regular = personality('');
    this.verify = personality('address_verify_');
  }

  async resolve(p: Personality, sender: string, address: string): Promise<ResolveReply> {
    // The answer is built up in place; a failure returns it as far as it got, plus FAIL.
    const st: ResolveReply = { transport: 'CHANNEL NOT UPDATED', nexthop: 'NEXTHOP NOT UPDATED', recipient: 'NEXTRCPT NOT UPDATED', flags: 0 };
    try {
      await this.resolveAddress(p, sender, address, st);
    } catch (e) {
      if (!(e instanceof TableLookupError || e instanceof ResolveFailure)) throw e;
      st.flags |= RESOLVE_FLAG_FAIL;
    }
    return st;
  }

  /** mail_addr_find's default strategy: full address, without extension, local part if local, @domain. */
  private readonly defaultStrategy: FindStrategy = {
    full: true, noExt: true, atDomain: true,
    localIfLocal: async (d) =>
      casefold(d, this.settings.smtputf8) === casefold(this.localContext.origin, this.settings.smtputf8) || this.local.isLocal(d),
  };

  private async addrFind(maps: Maps, address: string): Promise<string | null> {
    if (maps.empty) return null;
    return this.orFail(maps.title, () => mailAddrFind(maps, address, this.settings.recipientDelimiter, this.defaultStrategy));
  }

  /**
   * A lookup in the tables of parameter `param`; when a table fails, the table's warnings
   * (maps_find()) and "<param> lookup failure" are logged and the answer carries FAIL
   * (resolve.c, for sender_dependent_*_maps, transport_maps and relocated_maps).
   */
  private async orFail<T>(param: string, lookup: () => Promise<T>): Promise<T> {
    try {
      return await lookup();
    } catch (e) {
      if (!(e instanceof TableLookupError)) throw e;
      for (const line of e.warnings) this.warn(line);
      this.warn(`${param} lookup failure`);
      throw new ResolveFailure(`${param} lookup failure`, { cause: e });
    }
  }

  /** Step 1: the loop; returns the recipient tokens and whether the domain is remote. */
  private async stripLocal(address: string): Promise<{ toks: Tok[]; remote: boolean } | null> {
    const s = this.settings;
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
        rewriteTokens(s, this.localContext, toks);
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
          rewriteTokens(s, this.localContext, toks);
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

  private async resolveAddress(p: Personality, sender: string, address: string, st: ResolveReply): Promise<void> {
    const s = this.settings;
    const stripped = await this.stripLocal(address);
    if (stripped === null) throw new ResolveFailure('loop limit');
    let remote = stripped.remote;
    st.recipient = internalize(stripped.toks);
    let rcptDomain = st.recipient.slice(st.recipient.lastIndexOf('@') + 1);

    // Step 2: syntax of the result domain; an invalid one ends here (placeholders, DEFAULT|ERROR).
    if (rcptDomain.startsWith('[')) {
      if (!validMailhostLiteral(rcptDomain)) st.flags |= RESOLVE_FLAG_ERROR;
    } else if (!validUtf8Hostname(s.smtputf8, rcptDomain, this.midna.toAscii)) {
      if (s.resolveNumericDomain && validHostaddr(rcptDomain)) {
        st.recipient = `${st.recipient.slice(0, st.recipient.length - rcptDomain.length)}[${rcptDomain}]`;
        rcptDomain = `[${rcptDomain}]`;
        if (await this.local.isLocal(rcptDomain)) remote = false;
      } else {
        st.flags |= RESOLVE_FLAG_ERROR;
      }
    }
    if (st.flags & RESOLVE_FLAG_ERROR) {
      st.flags |= RESOLVE_CLASS_DEFAULT;
      return;
    }

    // Routing operators in the local part, whatever the local settings.
    const firstOp = st.recipient.search(/[@!%]/);
    if (st.recipient.slice(firstOp + 1) !== rcptDomain) st.flags |= RESOLVE_FLAG_ROUTED;

    // Step 3: address class.
    if (!remote) {
      st.transport = p.localTransport;
      st.nexthop = rcptDomain;
      st.flags |= RESOLVE_CLASS_LOCAL;
    } else if (await this.aliasDomains.match(rcptDomain)) {
      st.transport = 'error';
      st.nexthop = `5.1.1 User unknown${s.showUnknownTable ? ' in virtual alias table' : ''}`;
      st.flags |= RESOLVE_CLASS_ALIAS;
    } else if (await this.mailboxDomains.match(rcptDomain)) {
      st.transport = p.virtualTransport;
      st.nexthop = rcptDomain;
      st.flags |= RESOLVE_CLASS_VIRTUAL;
    } else {
      if (await this.relayDomains.match(rcptDomain)) {
        st.transport = p.relayTransport;
        st.flags |= RESOLVE_CLASS_RELAY;
      } else {
        const xport = await this.addrFind(p.senderDefaultTransportMaps, sender || s.nullDefaultTransportKey);
        st.transport = xport === null || xport.toLowerCase() === 'dunno' ? p.defaultTransport : xport;
        st.flags |= RESOLVE_CLASS_DEFAULT;
      }
      let relay = await this.addrFind(p.senderRelayMaps, sender || s.nullRelayKey);
      if (relay !== null && relay.toLowerCase() === 'dunno') relay = null;
      st.nexthop = relay ?? (p.relayhost || rcptDomain);
    }

    // An explicit transport:nexthop in main.cf overrides the nexthop.
    const colon = st.transport.indexOf(':');
    if (colon >= 0) {
      const dest = st.transport.slice(colon + 1);
      st.transport = st.transport.slice(0, colon);
      if (dest) st.nexthop = dest;
    }
    if (st.transport === '') throw new ResolveFailure('null transport');

    if (!p.transportMaps.empty && !(st.flags & RESOLVE_CLASS_ALIAS)) {
      const hit = await this.orFail(p.transportMaps.maps.title,
        () => transportLookup(p.transportMaps, st.recipient, s.recipientDelimiter, s.transportParentStyle));
      if (hit !== null) applyTransportEntry(hit, rcptDomain, st);
    }
    if (!this.relocated.empty) {
      const moved = await this.addrFind(this.relocated, st.recipient);
      if (moved !== null) {
        st.transport = 'error';
        st.nexthop = `5.1.6 User has moved to ${moved}`;
      }
    }
    if (!s.allowMinUser && st.recipient.startsWith('-')) st.flags |= RESOLVE_FLAG_ERROR;
  }
}

/** The request cannot be answered (loop limit, null transport): FAIL. */
class ResolveFailure extends Error {}
