/**
 * smtpd(8)'s settings from main.cf (with its master.cf entry's -o overrides applied): the
 * session settings, the restriction settings with the local_recipient_maps check, and
 * local_header_rewrite_clients. Only the parameters the reference implements are read; their
 * names are Postfix's. Used by daemon.ts.
 */
import { mailErrorMask } from '../../global/mail-error.ts';
import type { MainConfig } from '../../config/index.ts';
import type { Maps } from '../../global/maps.ts';
import { interfaceAddresses } from '../../global/inet-interfaces.ts';
import { logServiceName } from '../../skeleton/daemon.ts';
import type { SmtpdSettings } from './session.ts';
import type { AccessTable, RecipientLookup, RejectCodes, RestrictionSettings } from './restrictions.ts';
import type { OpenTable } from '../../global/maps.ts';
import { Maps as TableList } from '../../global/maps.ts';
import { networkMatcher } from './mynetworks.ts';
import { smtputf8Autodetect } from '../../global/smtputf8.ts';

/** The tables smtpd's session consults (opened once per master.cf entry; daemon.ts closes them). */
export type SmtpdTables = Required<Pick<SmtpdSettings, 'rejectFooterMaps' | 'commandFilter' | 'discardEhloKeywordMaps'>>;

/** smtpd_reject_footer_maps, smtpd_command_filter (one table) and smtpd_discard_ehlo_keyword_address_maps. */
export function smtpdTables(config: MainConfig, open: OpenTable): SmtpdTables {
  const utf8 = config.bool('smtputf8_enable');
  const maps = (name: string) => new TableList(name, config.list(name), open, utf8);
  return {
    rejectFooterMaps: maps('smtpd_reject_footer_maps'),
    commandFilter: maps('smtpd_command_filter'),
    discardEhloKeywordMaps: maps('smtpd_discard_ehlo_keyword_address_maps'),
  };
}

function bareNewlineMode(value: string): SmtpdSettings['forbidBareNewline'] {
  const v = value.trim().toLowerCase();
  return v === 'reject' ? 'reject' : v === 'yes' || v === 'normalize' ? 'normalize' : 'no';
}

export function smtpdSettings(config: MainConfig): SmtpdSettings {
  return {
    myhostname: config.get('myhostname'),
    smtpdBanner: config.get('smtpd_banner'),
    mailName: config.get('mail_name'),
    messageSizeLimit: config.int('message_size_limit'),
    lineLengthLimit: config.int('line_length_limit'),
    recipientLimit: config.int('smtpd_recipient_limit'),
    recipientOvershootLimit: config.int('smtpd_recipient_overshoot_limit'),
    softErrorLimit: config.int('smtpd_soft_error_limit'),
    hardErrorLimit: config.int('smtpd_hard_error_limit'),
    junkCommandLimit: config.int('smtpd_junk_command_limit'),
    errorSleepMs: config.time('smtpd_error_sleep_time') * 1000,
    timeoutMs: config.time('smtpd_timeout') * 1000,
    heloRequired: config.bool('smtpd_helo_required'),
    disableVrfy: config.bool('disable_vrfy_command'),
    smtputf8Enable: config.bool('smtputf8_enable'),
    smtputf8Autodetect: smtputf8Autodetect(config.get('smtputf8_autodetect_classes'), 'smtpd'),
    forbiddenCommands: config.list('smtpd_forbidden_commands'),
    forbidUnauthPipelining: config.bool('smtpd_forbid_unauth_pipelining'),
    forbidBareNewline: bareNewlineMode(config.get('smtpd_forbid_bare_newline')),
    forbidBareNewlineRejectCode: config.int('smtpd_forbid_bare_newline_reject_code'),
    bareNewlineExcluded: networkMatcher(config.list('smtpd_forbid_bare_newline_exclusions')),
    localHeaderRewrite: localHeaderRewriteClients(config),
    verp: {
      // smtpd_authorized_verp_clients: addresses and networks (host names are not matched)
      clients: networkMatcher(config.list('smtpd_authorized_verp_clients')),
      delimiters: config.get('default_verp_delimiters'),
      filter: config.get('verp_delimiter_filter'),
    },
    notify: {
      notifyMask: mailErrorMask(config.list('notify_classes')),
      historyThreshold: config.int('smtpd_history_flush_threshold'),
      errorRecipient: config.get('error_notice_recipient'),
      bounceRecipient: config.get('bounce_notice_recipient'),
      doubleBounceSender: config.get('double_bounce_sender'),
      smtputf8Autodetect: smtputf8Autodetect(config.get('smtputf8_autodetect_classes'), 'notify'),
      myhostname: config.get('myhostname'),
      mailName: config.get('mail_name'),
    },
    logService: logServiceName(config, 'smtpd'),
    delayReject: config.bool('smtpd_delay_reject'),
    noopCommands: config.list('smtpd_noop_commands').map((c) => c.toLowerCase()),
    discardEhloKeywords: config.list('smtpd_discard_ehlo_keywords').map((k) => k.toLowerCase()),
    rejectFooter: config.get('smtpd_reject_footer'),
    expansionFilter: config.get('smtpd_expansion_filter'),
    softBounce: config.bool('soft_bounce'),
    strictRfc821Envelopes: config.bool('strict_rfc821_envelopes'),
    peernameLookup: config.bool('smtpd_peername_lookup'),
    clientPortLogging: config.bool('smtpd_client_port_logging'),
    delayOpenUntilValidRcpt: config.bool('smtpd_delay_open_until_valid_rcpt'),
  };
}

/**
 * local_header_rewrite_clients (default permit_inet_interfaces): clients whose mail gets the
 * "local" header rewrite context (cleanup then adds missing Message-Id/Date/From headers and
 * qualifies addresses with $myorigin). Supported: permit_inet_interfaces, permit_mynetworks,
 * static:all, and address/CIDR literals.
 */
export function localHeaderRewriteClients(config: MainConfig): (addr: string) => boolean {
  const matchers: ((addr: string) => boolean)[] = [];
  const literals: string[] = [];
  for (const item of config.list('local_header_rewrite_clients')) {
    if (item === 'permit_inet_interfaces') matchers.push(networkMatcher(interfaceAddresses(config.get('inet_interfaces'), config.get('inet_protocols'))));
    else if (item === 'permit_mynetworks') matchers.push(networkMatcher(config.list('mynetworks')));
    else if (item === 'static:all') matchers.push(() => true);
    else literals.push(item);
  }
  if (literals.length) matchers.push(networkMatcher(literals));
  return (addr) => matchers.some((m) => m(addr));
}

/** Keys for a local address: full address, user+ext, user (mail_addr_find for local domains). */
export function localKeys(address: string, delimiter: string): string[] {
  const at = address.lastIndexOf('@');
  const local = (at < 0 ? address : address.slice(0, at)).toLowerCase();
  const keys = at < 0 ? [] : [address.toLowerCase()];
  keys.push(local);
  if (delimiter) {
    const i = [...local].findIndex((c) => delimiter.includes(c));
    if (i > 0) keys.push(local.slice(0, i));
  }
  return keys;
}

/**
 * local_recipient_maps: is the address listed? The full address is asked of every table, the
 * shorter keys (user+ext, user) of fixed-string tables only, as mail_addr_find does.
 */
async function listedLocalRecipient(maps: Maps, keys: string[]): Promise<boolean> {
  for (const [i, key] of keys.entries()) if ((await maps.find(key, i > 0)) !== null) return true;
  return false;
}

/** A recipient table lookup (local_recipient_maps, relay_recipient_maps …) as smtpd's check_rcpt_maps asks it. */
function recipientLookup(maps: Maps, delimiter: string): (address: string) => Promise<RecipientLookup> {
  return async (address) => {
    if (maps.empty) return 'no-table';
    try {
      return (await listedLocalRecipient(maps, localKeys(address, delimiter))) ? 'known' : 'unknown';
    } catch {
      return 'error'; // the table failed: smtpd answers 451 4.3.0 Temporary lookup failure
    }
  };
}

/** The reply codes of the restrictions, by their main.cf names. */
function rejectCodes(config: MainConfig): RejectCodes {
  return {
    reject: config.int('reject_code'),
    defer: config.int('defer_code'),
    accessMapReject: config.int('access_map_reject_code'),
    accessMapDefer: config.int('access_map_defer_code'),
    nonFqdn: config.int('non_fqdn_reject_code'),
    invalidHostname: config.int('invalid_hostname_reject_code'),
    plaintext: config.int('plaintext_reject_code'),
    multiRecipientBounce: config.int('multi_recipient_bounce_reject_code'),
    unknownRelayRecipient: config.int('unknown_relay_recipient_reject_code'),
    unknownVirtualAlias: config.int('unknown_virtual_alias_reject_code'),
    unknownVirtualMailbox: config.int('unknown_virtual_mailbox_reject_code'),
  };
}

/** smtpd_restriction_classes: each class with the restriction list its own parameter holds. */
function restrictionClasses(config: MainConfig): Map<string, string[]> {
  return new Map(config.list('smtpd_restriction_classes').map((name) => [name.toLowerCase(), config.list(name)]));
}

/** smtpd_log_access_permit_actions: static:all or a list of action names (case-insensitive). */
function permitActionMatcher(config: MainConfig): (action: string) => boolean {
  const names = config.list('smtpd_log_access_permit_actions').map((n) => n.toLowerCase());
  if (names.includes('static:all')) return () => true;
  return (action) => names.includes(action.toLowerCase());
}

/** Access tables named in restriction lists, each opened once. */
function accessTables(open: OpenTable, utf8: boolean): (spec: string) => AccessTable {
  const opened = new Map<string, AccessTable>();
  return (spec) => {
    let t = opened.get(spec);
    if (!t) {
      const maps = new TableList(spec, [spec], open, utf8);
      opened.set(spec, (t = { spec, find: (key, partial) => maps.find(key, partial) }));
    }
    return t;
  };
}

/** The recipient tables besides local_recipient_maps (check_rcpt_maps). */
export interface RecipientTables {
  relay: Maps;
  virtualMailbox: Maps;
  virtualAlias: Maps;
}

export function restrictionSettings(config: MainConfig, localRecipients: Maps, open?: OpenTable, tables?: RecipientTables): RestrictionSettings {
  const delimiter = config.get('recipient_delimiter');
  const utf8 = config.bool('smtputf8_enable');
  return {
    relayRestrictions: config.list('smtpd_relay_restrictions'),
    recipientRestrictions: config.list('smtpd_recipient_restrictions'),
    clientRestrictions: config.list('smtpd_client_restrictions'),
    heloRestrictions: config.list('smtpd_helo_restrictions'),
    senderRestrictions: config.list('smtpd_sender_restrictions'),
    etrnRestrictions: config.list('smtpd_etrn_restrictions'),
    dataRestrictions: config.list('smtpd_data_restrictions'),
    endOfDataRestrictions: config.list('smtpd_end_of_data_restrictions'),
    relayBeforeRecipient: config.bool('smtpd_relay_before_recipient_restrictions'),
    restrictionClasses: restrictionClasses(config),
    delayReject: config.bool('smtpd_delay_reject'),
    rejectUnlistedRecipient: config.bool('smtpd_reject_unlisted_recipient'),
    rejectUnlistedSender: config.bool('smtpd_reject_unlisted_sender'),
    unknownLocalRecipientRejectCode: config.int('unknown_local_recipient_reject_code'),
    relayDomainsRejectCode: config.int('relay_domains_reject_code'),
    codes: rejectCodes(config),
    softBounce: config.bool('soft_bounce'),
    nullAccessKey: config.get('smtpd_null_access_lookup_key'),
    logPermitAction: permitActionMatcher(config),
    allowUntrustedRouting: config.bool('allow_untrusted_routing'),
    smtputf8: utf8,
    isMyNetwork: networkMatcher(config.list('mynetworks')),
    lookupLocalRecipient: recipientLookup(localRecipients, delimiter),
    ...(tables && {
      lookupRelayRecipient: recipientLookup(tables.relay, delimiter),
      lookupVirtualMailbox: recipientLookup(tables.virtualMailbox, delimiter),
      isVirtualAlias: async (address: string) => !tables.virtualAlias.empty && (await listedLocalRecipient(tables.virtualAlias, localKeys(address, delimiter))),
    }),
    ...(open && { accessTable: accessTables(open, utf8) }),
  };
}
