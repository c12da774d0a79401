/**
 * smtpd(8) access restrictions, as smtpd_check.c applies them: one restriction list per SMTP
 * stage (postconf(5) smtpd_client_restrictions, smtpd_helo_restrictions,
 * smtpd_sender_restrictions, smtpd_relay_restrictions + smtpd_recipient_restrictions,
 * smtpd_etrn_restrictions, smtpd_data_restrictions, smtpd_end_of_data_restrictions), each evaluated by the same engine over
 * the entries of RESTRICTIONS below (one per postconf(5) restriction), access tables
 * (check_*_access, access(5)) and the restriction classes of smtpd_restriction_classes. With
 * smtpd_delay_reject = yes (the default) the client, HELO and sender lists are applied again
 * at each RCPT TO (and the client and HELO lists at ETRN), before the recipient lists; with
 * "no" the session applies each at its own command. After the recipient lists comes the
 * implicit reject_unlisted_recipient (smtpd_reject_unlisted_recipient = yes), after the sender
 * list the implicit reject_unlisted_sender (smtpd_reject_unlisted_sender). Any other name is
 * what Postfix makes of a name it does not know: a warning 'unknown smtpd restriction: "NAME"'
 * and "451 4.3.5 Server configuration error". Destination classes come from trivial-rewrite
 * (rewrite "local", then resolve). Every rejection goes through rejectReply() (smtpd_check_reject):
 * soft_bounce turns 5xx into 4xx, and the enhanced status code's class follows the reply code.
 * Used by session.ts.
 *
 * Differs from Postfix: restrictions that need DNS, SASL, TLS client certificates or a policy
 * server (reject_unknown_*, reject_rbl_*, check_*_{ns,mx,a}_access, check_policy_service …),
 * warn_if_reject, defer_if_permit / defer_if_reject, sleep and reject_unauth_pipelining
 * are answered as unknown names or not applied; access table
 * actions other than OK, RELAY, a number, DUNNO, REJECT, DEFER, INFO, WARN, "4xx/5xx text" and
 * restriction names (HOLD, DISCARD, FILTER, PREPEND, REDIRECT, BCC, HANGUP …) are taken as
 * restriction names too. An unlisted address counts as listed when virtual_alias_maps has it;
 * canonical_maps are not consulted. The session is never TLS-encrypted, so
 * reject_plaintext_session always rejects.
 *
 * A routed recipient (trivial-rewrite's RESOLVE_FLAG_ROUTED: "@", "!" or "%" left in the local
 * part of the resolved address, e.g. user%other@relay.example) is never an authorized
 * destination unless allow_untrusted_routing = yes, whatever its class, local ones included
 * (smtpd_check.c permit_auth_destination; postconf(5) allow_untrusted_routing).
 */
import type { ResolveReply, TrivialRewriteClient } from '../contracts.ts';
import { MAIL_ERROR } from '../../global/mail-error.ts';
import { rewriteInternal } from '../../global/rewrite-clnt.ts';
import { splitDsn } from '../../global/dsn-split.ts';
import { printableText } from '../../global/printable.ts';
import { validHostaddr, validHostname, validMailhostLiteral, validUtf8Hostname } from '../../global/hostname.ts';
import {
  RESOLVE_CLASS_ALIAS, RESOLVE_CLASS_FINAL, RESOLVE_CLASS_LOCAL, RESOLVE_CLASS_RELAY, RESOLVE_CLASS_VIRTUAL, RESOLVE_FLAG_FAIL, RESOLVE_FLAG_ROUTED,
} from '../../global/resolve-clnt.ts';

/** Result of a recipient table lookup: unknown = the table does not list it. */
export type RecipientLookup = 'known' | 'unknown' | 'no-table' | 'error';

/** An access table as smtpd asks it: the value for a key (partial = not the full key), or null. */
export interface AccessTable {
  /** "type:name" as main.cf gives it (Postfix names it in permit log lines). */
  spec: string;
  find(key: string, partial: boolean): Promise<string | null>;
}

/** The reply codes of the restrictions (postconf(5) names in comments). */
export interface RejectCodes {
  /** reject_code */
  reject: number;
  /** defer_code */
  defer: number;
  /** access_map_reject_code */
  accessMapReject: number;
  /** access_map_defer_code */
  accessMapDefer: number;
  /** non_fqdn_reject_code */
  nonFqdn: number;
  /** invalid_hostname_reject_code */
  invalidHostname: number;
  /** plaintext_reject_code */
  plaintext: number;
  /** multi_recipient_bounce_reject_code */
  multiRecipientBounce: number;
  /** unknown_relay_recipient_reject_code */
  unknownRelayRecipient: number;
  /** unknown_virtual_alias_reject_code */
  unknownVirtualAlias: number;
  /** unknown_virtual_mailbox_reject_code */
  unknownVirtualMailbox: number;
}

/** Postfix's defaults (postconf -d), for settings that leave codes out. */
export const DEFAULT_REJECT_CODES: RejectCodes = {
  reject: 554, defer: 450, accessMapReject: 554, accessMapDefer: 450, nonFqdn: 504, invalidHostname: 501, plaintext: 450,
  multiRecipientBounce: 550, unknownRelayRecipient: 550, unknownVirtualAlias: 550, unknownVirtualMailbox: 550,
};

export interface RestrictionSettings {
  relayRestrictions: string[];
  recipientRestrictions: string[];
  /** smtpd_client/helo/sender/etrn/data_restrictions; left out = empty. */
  clientRestrictions?: string[];
  heloRestrictions?: string[];
  senderRestrictions?: string[];
  etrnRestrictions?: string[];
  dataRestrictions?: string[];
  /** smtpd_end_of_data_restrictions; left out = empty. */
  endOfDataRestrictions?: string[];
  /** smtpd_relay_before_recipient_restrictions: the relay list first; left out = "yes" (compatibility_level 3.6 and later). */
  relayBeforeRecipient?: boolean;
  /** smtpd_restriction_classes: each class name with its restriction list. */
  restrictionClasses?: ReadonlyMap<string, string[]>;
  /** smtpd_delay_reject; left out = "yes". */
  delayReject?: boolean;
  rejectUnlistedRecipient: boolean;
  /** smtpd_reject_unlisted_sender; left out = "no". */
  rejectUnlistedSender?: boolean;
  /** smtpd_reject_unlisted_recipient code for local users (unknown_local_recipient_reject_code). */
  unknownLocalRecipientRejectCode: number;
  relayDomainsRejectCode: number;
  /** The other reply codes; left out = Postfix's defaults. */
  codes?: RejectCodes;
  /** soft_bounce: every 5xx rejection becomes 4xx. */
  softBounce?: boolean;
  /** smtpd_null_access_lookup_key; left out = "<>". */
  nullAccessKey?: string;
  /** smtpd_log_access_permit_actions: is this permit action logged? */
  logPermitAction?: (action: string) => boolean;
  /** allow_untrusted_routing; left out = "no", Postfix's default. */
  allowUntrustedRouting?: boolean;
  /** smtputf8_enable (UTF-8 names in reject_non_fqdn_*). */
  smtputf8?: boolean;
  isMyNetwork: (clientAddr: string) => boolean;
  /** local_recipient_maps lookup for a local-class address. */
  lookupLocalRecipient: (address: string) => Promise<RecipientLookup>;
  /** relay_recipient_maps / virtual_mailbox_maps lookups; absent = no table. */
  lookupRelayRecipient?: (address: string) => Promise<RecipientLookup>;
  lookupVirtualMailbox?: (address: string) => Promise<RecipientLookup>;
  /** Does virtual_alias_maps list the address (then it is never unlisted)? */
  isVirtualAlias?: (address: string) => Promise<boolean>;
  /** An access table named in a restriction list ("type:name"). */
  accessTable?: (spec: string) => AccessTable;
  /** reject_unverified_recipient / _sender through verify(8); absent = not configured. */
  unverified?: (address: string, role: 'Recipient' | 'Sender') => Promise<CheckResult | 'dunno'>;
}

/** What the session knows when it asks (smtpd's state): client, HELO name, envelope so far. */
export interface CheckContext {
  clientAddr: string;
  /** Internal form; undefined before MAIL FROM (not the null sender ""). */
  sender?: string;
  recipient?: string;
  /** Verified client name ("unknown" when there is none) and "name[addr]". */
  clientName?: string;
  namaddr?: string;
  /** The HELO/EHLO name; undefined before HELO. */
  helo?: string;
  /** Recipients accepted so far in this transaction. */
  rcptCount?: number;
  /** The command being answered ("RCPT", "DATA" …). */
  where?: string;
  /** log_whatsup(): "permit", "info" and "warn" lines, with the session's from=/to= part. */
  log?: (what: string, text: string) => void;
}

/**
 * A rejection: the full SMTP reply text ("554 5.7.1 <x>: Relay access denied"), and its error
 * class (global/mail-error.ts; policy when not given) for postmaster notices.
 */
export type CheckResult = { reply: string; errorClass?: number } | undefined;

/** One restriction's verdict: a rejection, "permit" (ends this list), or "dunno" (the next one decides). */
type Verdict = CheckResult | 'permit' | 'dunno';

/** The stages and the names their replies give them (smtpd_dsn_fix.h SMTPD_NAME_*). */
export type Stage = 'client' | 'helo' | 'sender' | 'recipient' | 'etrn' | 'data' | 'eod';
const REPLY_CLASS: Readonly<Record<Stage, string>> = {
  client: 'Client host', helo: 'Helo command', sender: 'Sender address', recipient: 'Recipient address', etrn: 'Etrn command', data: 'Data command',
  eod: 'End-of-data',
};
/** The name end-of-data replies quote (smtpd.h SMTPD_CMD_EOD: the state after the message). */
const EOD_REPLY_NAME = 'END-OF-MESSAGE';
/** The access restriction a bare "type:table" stands for in each stage's list (no default at DATA or end of data). */
const DEFAULT_ACL: Readonly<Partial<Record<Stage, string>>> = {
  client: 'check_client_access', helo: 'check_helo_access', sender: 'check_sender_access', recipient: 'check_recipient_access', etrn: 'check_etrn_access',
};
const ACCESS_RESTRICTIONS = ['check_client_access', 'check_helo_access', 'check_sender_access', 'check_recipient_access', 'check_etrn_access'];

/** Deeper nesting of access table values and classes than this is a configuration error (check_table_result). */
const MAX_RECURSION = 100;

/** What a restriction sees: the settings, the session, the list's stage, and the recipient's resolution. */
interface RestrictionInput {
  settings: RestrictionSettings;
  ctx: CheckContext;
  stage: Stage;
  /** The name the replies quote ("<rejected.example>": the HELO name, an address, "DATA" …), without brackets. */
  replyName: string;
  /** "<recipient>" as replies quote it. */
  rcpt: string;
  resolved: () => Promise<ResolveReply>;
  unlisted: () => Promise<CheckResult>;
  /** The next word of the list (a table after check_*_access), consumed. */
  argument: () => string | undefined;
  /** Run a nested restriction list (a class, an access table's value) in the same stage. */
  nested: (list: string[]) => Promise<Verdict>;
  warn: (text: string) => void;
}

/** A restriction the reference serves, with the postconf(5) entry it follows. */
interface Restriction {
  doc: string;
  check: (i: RestrictionInput) => Promise<Verdict> | Verdict;
}

const SERVER_CONFIGURATION_ERROR: CheckResult = { reply: '451 4.3.5 Server configuration error', errorClass: MAIL_ERROR.SOFTWARE };

/** Thrown inside a list to end the whole check with a configuration error (reject_server_error's longjmp). */
class ServerConfigurationError extends Error {}

const codesOf = (s: RestrictionSettings): RejectCodes => s.codes ?? DEFAULT_REJECT_CODES;

/** What smtpd_check_reject() puts in place of a character printable() cannot show. */
const REJECT_NONPRINTABLE = ' ';

/**
 * smtpd_check_reject(): "code dsn text", with soft_bounce applied (a 5xx code becomes 4xx), the
 * status code's class made the reply code's first digit, and the whole reply made printable
 * (a control character, or an 8-bit one without smtputf8_enable, becomes a blank), so the
 * reply and its "reject:" log line show an address's ESC as " ".
 */
export function rejectReply(settings: RestrictionSettings, code: number, dsn: string, text: string, errorClass?: number): CheckResult {
  const sent = settings.softBounce && code >= 500 && code < 600 ? code - 100 : code;
  const status = `${String(sent)[0]}${dsn.slice(1)}`;
  const reply = printableText(`${sent} ${status} ${text}`, settings.smtputf8 ?? false, REJECT_NONPRINTABLE);
  return errorClass === undefined ? { reply } : { reply, errorClass };
}

/** "<name>: Class rejected: why" with a restriction's code and status. */
function classReject(i: RestrictionInput, code: number, dsn: string, why: string): CheckResult {
  return rejectReply(i.settings, code, dsn, `<${i.replyName}>: ${REPLY_CLASS[i.stage]} rejected: ${why}`);
}

/** smtpd_acl_permit(): the permit, logged when smtpd_log_access_permit_actions names the action. */
function aclPermit(i: RestrictionInput, action: string, stage: Stage, name: string, detail = ''): Verdict {
  if (i.settings.logPermitAction?.(action)) i.ctx.log?.('permit', `action=${action} for ${REPLY_CLASS[stage]}=${name} ${detail}`);
  return 'permit';
}

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
    const address = role === 'Recipient' ? ctx.recipient : ctx.sender;
    if (!address) return 'dunno';
    if (!settings.unverified) return SERVER_CONFIGURATION_ERROR;
    return settings.unverified(address, role);
  };
}

/** A name ending in one dot (not two) is checked without it (dup_if_truncate). */
const truncateDot = (name: string): string => (name.endsWith('.') && !name.endsWith('..') ? name.slice(0, -1) : name);

/** reject_invalid_hostaddr(): "[address]" must hold a valid address literal. */
function invalidHostaddr(i: RestrictionInput, name: string): Verdict {
  const inner = name.startsWith('[') && name.endsWith(']') && name.length > 2 ? name : `[${name}]`;
  return validMailhostLiteral(inner) ? 'dunno' : classReject(i, codesOf(i.settings).invalidHostname, '5.5.2', 'invalid ip address');
}

/** reject_non_fqdn_sender / _recipient: the domain must be a valid name with a dot ([literals] pass). */
function nonFqdnAddress(i: RestrictionInput, address: string | undefined): Verdict {
  if (!address) return 'dunno';
  const at = address.lastIndexOf('@');
  const domain = at < 0 ? '' : address.slice(at + 1);
  if (domain.startsWith('[') && domain.endsWith(']')) return 'dunno';
  const name = truncateDot(domain);
  const ok = name !== '' && validUtf8Hostname(i.settings.smtputf8 ?? false, name) && name.includes('.');
  return ok ? 'dunno' : classReject(i, codesOf(i.settings).nonFqdn, '4.5.2', 'need fully-qualified address');
}

/* ---------------- access tables (access(5); smtpd_check.c check_table_result) ---------------- */

/** "REJECT text", "DEFER text" …: the action word and the text after it. */
function splitAction(value: string): { word: string; text: string } {
  const m = /^(\S*)\s*(.*)$/s.exec(value)!;
  return { word: m[1]!, text: m[2]! };
}

/** What an access table's value makes of the request. */
async function tableResult(i: RestrictionInput, table: AccessTable, value: string, stage: Stage): Promise<Verdict> {
  const { word, text } = splitAction(value);
  const upper = word.toUpperCase();
  const codes = codesOf(i.settings);
  if (upper === 'DUNNO') return 'dunno';
  if (upper === 'REJECT' || upper === 'DEFER') {
    const [code, dflt] = upper === 'REJECT' ? [codes.accessMapReject, '5.7.1'] : [codes.accessMapDefer, '4.7.1'];
    const d = splitDsn(text, dflt);
    return classReject(i, code, d.dsn, d.text || 'Access denied');
  }
  if (upper === 'INFO' || upper === 'WARN') {
    i.ctx.log?.(upper.toLowerCase(), text);
    return 'dunno';
  }
  if (/^\d+$/.test(value) || upper === 'OK' || upper === 'RELAY') return aclPermit(i, word, stage, i.replyName, `from ${table.spec}`);
  if (/^[45]\d\d$/.test(word) && text !== '') {
    const d = splitDsn(text, `${word[0]}.7.1`);
    return classReject(i, Number(word), d.dsn, d.text);
  }
  if (value.includes(':')) {
    i.warn(`access table ${table.spec} has entry with lookup table: ${value}`);
    throw new ServerConfigurationError();
  }
  const list = value.split(/[\s,]+/).filter(Boolean);
  return list.length ? i.nested(list) : 'permit';
}

/** Ask `table` for each key in turn (the first is the full key); the first found decides. */
async function lookupKeys(i: RestrictionInput, table: AccessTable, keys: string[], stage: Stage): Promise<Verdict> {
  for (const [n, key] of keys.entries()) {
    const value = await table.find(key, n > 0);
    if (value !== null) return tableResult(i, table, value, stage);
  }
  return 'dunno';
}

/** A domain and its parents: a.b.example, b.example, example (parent_domain_matches_subdomains has smtpd_access_maps). */
function domainKeys(domain: string): string[] {
  const keys: string[] = [];
  for (let d = domain; d !== ''; d = d.includes('.') ? d.slice(d.indexOf('.') + 1) : '') keys.push(d);
  return keys;
}

/** An IPv4 address and its networks: 127.0.0.1, 127.0.0, 127.0, 127 (check_addr_access). */
function addressKeys(addr: string): string[] {
  const parts = addr.split(addr.includes(':') ? ':' : '.');
  const sep = addr.includes(':') ? ':' : '.';
  return parts.map((_p, n) => parts.slice(0, parts.length - n).join(sep)).filter(Boolean);
}

/** check_mail_access(): the address, its domain and parents, then "localpart@". */
function mailKeys(address: string): string[] {
  const at = address.lastIndexOf('@');
  if (at < 0) return [address];
  return [address, ...domainKeys(address.slice(at + 1)), address.slice(0, at + 1)];
}

/** One check_*_access restriction: its table is the next word of the list. */
function accessRestriction(keysOf: (i: RestrictionInput) => { keys: string[]; name: string; stage: Stage } | undefined): Restriction['check'] {
  return async (i) => {
    const spec = i.argument();
    if (spec === undefined || !i.settings.accessTable) {
      i.warn(`restriction needs a table argument: ${spec ?? '(none)'}`);
      throw new ServerConfigurationError();
    }
    const what = keysOf(i);
    if (!what) return 'dunno';
    const table = i.settings.accessTable(spec);
    return lookupKeys({ ...i, replyName: what.name, stage: what.stage }, table, what.keys, what.stage);
  };
}

/** Every restriction name the reference serves (lower case, as smtpd_check.c compares them). */
export const RESTRICTIONS: Readonly<Record<string, Restriction>> = {
  permit: { doc: 'postconf(5) permit', check: (i) => aclPermit(i, 'permit', i.stage, i.replyName) },
  reject: { doc: 'postconf(5) reject, reject_code', check: (i) => classReject(i, codesOf(i.settings).reject, '5.7.1', 'Access denied') },
  defer: { doc: 'postconf(5) defer, defer_code', check: (i) => classReject(i, codesOf(i.settings).defer, '4.3.2', 'Try again later') },
  permit_mynetworks: {
    doc: 'postconf(5) permit_mynetworks',
    check: (i) => (i.settings.isMyNetwork(i.ctx.clientAddr) ? aclPermit(i, 'permit_mynetworks', 'client', i.ctx.namaddr ?? '') : 'dunno'),
  },
  // No SASL in the reference yet (issue 14): never authenticated.
  permit_sasl_authenticated: { doc: 'postconf(5) permit_sasl_authenticated', check: () => 'dunno' },
  reject_plaintext_session: {
    doc: 'postconf(5) reject_plaintext_session, plaintext_reject_code (no TLS in the reference: always plaintext)',
    check: ({ settings }) => rejectReply(settings, codesOf(settings).plaintext, '4.7.1', 'Session encryption is required'),
  },
  check_client_access: {
    doc: 'postconf(5) check_client_access: the client name and its parents, then the address and its networks',
    check: accessRestriction(({ ctx }) => {
      const name = ctx.clientName ?? 'unknown';
      const keys = [...(name === 'unknown' ? [] : domainKeys(name)), ...addressKeys(ctx.clientAddr)];
      return { keys, name: ctx.namaddr ?? ctx.clientAddr, stage: 'client' };
    }),
  },
  check_helo_access: {
    doc: 'postconf(5) check_helo_access: the HELO name and its parents',
    check: accessRestriction(({ ctx }) => (ctx.helo === undefined ? undefined : { keys: domainKeys(ctx.helo), name: ctx.helo, stage: 'helo' })),
  },
  check_sender_access: {
    doc: 'postconf(5) check_sender_access, smtpd_null_access_lookup_key',
    check: accessRestriction(({ ctx, settings }) => {
      if (ctx.sender === undefined) return undefined;
      const keys = ctx.sender === '' ? [settings.nullAccessKey ?? '<>'] : mailKeys(ctx.sender);
      return { keys, name: ctx.sender, stage: 'sender' };
    }),
  },
  check_recipient_access: {
    doc: 'postconf(5) check_recipient_access',
    check: accessRestriction(({ ctx }) => (ctx.recipient === undefined ? undefined : { keys: mailKeys(ctx.recipient), name: ctx.recipient, stage: 'recipient' })),
  },
  check_etrn_access: {
    doc: 'postconf(5) check_etrn_access: the ETRN domain and its parents',
    check: accessRestriction((i) => (i.stage === 'etrn' ? { keys: domainKeys(i.replyName), name: i.replyName, stage: 'etrn' } : undefined)),
  },
  reject_invalid_helo_hostname: {
    doc: 'postconf(5) reject_invalid_helo_hostname, invalid_hostname_reject_code',
    check: (i) => {
      const helo = i.ctx.helo;
      if (helo === undefined) return 'dunno';
      const h = { ...i, replyName: helo, stage: 'helo' as const };
      if (helo.startsWith('[')) return invalidHostaddr(h, helo);
      const name = truncateDot(helo);
      return validHostname(name) || validHostaddr(name) ? 'dunno' : classReject(h, codesOf(i.settings).invalidHostname, '5.5.2', 'Invalid name');
    },
  },
  reject_non_fqdn_helo_hostname: {
    doc: 'postconf(5) reject_non_fqdn_helo_hostname, non_fqdn_reject_code',
    check: (i) => {
      const helo = i.ctx.helo;
      if (helo === undefined) return 'dunno';
      const h = { ...i, replyName: helo, stage: 'helo' as const };
      if (helo.startsWith('[')) return invalidHostaddr(h, helo);
      const name = truncateDot(helo);
      const ok = validUtf8Hostname(false, name) && name.includes('.');
      return ok ? 'dunno' : classReject(h, codesOf(i.settings).nonFqdn, '5.5.2', 'need fully-qualified hostname');
    },
  },
  reject_non_fqdn_sender: {
    doc: 'postconf(5) reject_non_fqdn_sender, non_fqdn_reject_code',
    check: (i) => nonFqdnAddress({ ...i, replyName: i.ctx.sender ?? '', stage: 'sender' }, i.ctx.sender),
  },
  reject_unauth_destination: {
    doc: 'postconf(5) reject_unauth_destination, relay_domains_reject_code',
    check: async ({ settings, ctx, rcpt, resolved }) => (!ctx.recipient || authorizedDestination(settings, await resolved())
      ? 'dunno' : rejectReply(settings, settings.relayDomainsRejectCode, '5.7.1', `${rcpt}: Relay access denied`)),
  },
  defer_unauth_destination: {
    doc: 'postconf(5) defer_unauth_destination',
    check: async ({ settings, ctx, rcpt, resolved }) => (!ctx.recipient || authorizedDestination(settings, await resolved())
      ? 'dunno' : rejectReply(settings, settings.relayDomainsRejectCode - 100, '4.7.1', `${rcpt}: Relay access denied`)),
  },
  permit_auth_destination: {
    doc: 'postconf(5) permit_auth_destination',
    check: async (i) => (i.ctx.recipient && authorizedDestination(i.settings, await i.resolved())
      ? aclPermit(i, 'permit_auth_destination', 'recipient', i.ctx.recipient) : 'dunno'),
  },
  reject_unlisted_recipient: { doc: 'postconf(5) reject_unlisted_recipient', check: async ({ ctx, unlisted }) => (ctx.recipient ? (await unlisted()) ?? 'dunno' : 'dunno') },
  reject_non_fqdn_recipient: {
    doc: 'postconf(5) reject_non_fqdn_recipient, non_fqdn_reject_code',
    check: (i) => nonFqdnAddress({ ...i, replyName: i.ctx.recipient ?? '', stage: 'recipient' }, i.ctx.recipient),
  },
  reject_multi_recipient_bounce: {
    doc: 'postconf(5) reject_multi_recipient_bounce, multi_recipient_bounce_reject_code',
    check: (i) => {
      // At RCPT the recipient being added counts too.
      const count = (i.ctx.rcptCount ?? 0) + (i.ctx.where === 'RCPT' ? 1 : 0);
      return i.ctx.sender === '' && count > 1 ? classReject(i, codesOf(i.settings).multiRecipientBounce, '5.5.3', 'Multi-recipient bounce') : 'dunno';
    },
  },
  reject_unverified_recipient: { doc: 'postconf(5) reject_unverified_recipient', check: unverified('Recipient') },
  reject_unverified_sender: { doc: 'postconf(5) reject_unverified_sender', check: unverified('Sender') },
};

/** The recipient tables by address class (check_rcpt_maps), with their reply code and table name. */
interface UnlistedTable {
  lookup: (address: string) => Promise<RecipientLookup>;
  code: number;
  table: string;
}

export class RecipientChecker {
  constructor(
    private readonly settings: RestrictionSettings,
    private readonly rewrite: TrivialRewriteClient,
    /** Where "unknown smtpd restriction" warnings go. */
    private readonly warn: (text: string) => void = () => undefined,
  ) {}

  /** The address resolved as smtpd_check.c resolves it: both addresses rewritten in the "local" context, internal form. */
  private async resolve(sender: string, recipient: string): Promise<ResolveReply> {
    const rs = sender ? await rewriteInternal(this.rewrite, 'local', sender) : '';
    return this.rewrite.resolve(rs, await rewriteInternal(this.rewrite, 'local', recipient));
  }

  /** smtpd_client_restrictions (smtpd_check_client). */
  checkClient(ctx: CheckContext): Promise<CheckResult> {
    return this.runStage(this.settings.clientRestrictions, 'client', ctx.namaddr ?? ctx.clientAddr, ctx);
  }

  /** smtpd_helo_restrictions for ctx.helo (smtpd_check_helo); nothing before HELO. */
  async checkHelo(ctx: CheckContext): Promise<CheckResult> {
    return ctx.helo === undefined ? undefined : this.runStage(this.settings.heloRestrictions, 'helo', ctx.helo, ctx);
  }

  /** smtpd_sender_restrictions, then the implicit reject_unlisted_sender (smtpd_check_mail); nothing before MAIL. */
  async checkMail(ctx: CheckContext): Promise<CheckResult> {
    if (ctx.sender === undefined) return undefined;
    const r = await this.runStage(this.settings.senderRestrictions, 'sender', ctx.sender, ctx);
    if (r || !this.settings.rejectUnlistedSender || ctx.sender === '') return r;
    return this.unlisted(ctx, ctx.sender, 'sender');
  }

  /** The delayed client, HELO (and sender) checks of smtpd_delay_reject = yes. */
  private async delayed(ctx: CheckContext, withSender: boolean): Promise<CheckResult> {
    if (this.settings.delayReject === false) return undefined;
    return (await this.checkClient(ctx)) ?? (await this.checkHelo(ctx)) ?? (withSender ? this.checkMail(ctx) : undefined);
  }

  /** Every restriction list for one recipient (smtpd_check_rcpt; RCPT TO and VRFY); undefined = accept. */
  async check(ctx: CheckContext): Promise<CheckResult> {
    // RFC 5321 section 3.6: "postmaster" is accepted even without a domain, before any check.
    if (ctx.recipient === undefined || ctx.recipient.toLowerCase() === 'postmaster') return undefined;
    const early = await this.delayed(ctx, true);
    if (early) return early;
    for (const list of this.recipientLists()) {
      // A permit ends one list only; each list is evaluated on its own (smtpd_check_rcpt).
      const r = await this.runStage(list, 'recipient', ctx.recipient, ctx);
      if (r) return r;
    }
    if (this.settings.rejectUnlistedRecipient) return this.unlisted(ctx, ctx.recipient, 'recipient');
    return undefined;
  }

  /** The two recipient lists in smtpd_relay_before_recipient_restrictions' order. */
  private recipientLists(): string[][] {
    const { relayRestrictions: relay, recipientRestrictions: rcpt } = this.settings;
    return this.settings.relayBeforeRecipient === false ? [rcpt, relay] : [relay, rcpt];
  }

  /** smtpd_etrn_restrictions for the ETRN domain (smtpd_check_etrn), after the delayed client and HELO checks. */
  async checkEtrn(ctx: CheckContext, domain: string): Promise<CheckResult> {
    return (await this.delayed(ctx, false)) ?? this.runStage(this.settings.etrnRestrictions, 'etrn', domain, ctx);
  }

  /** smtpd_data_restrictions (smtpd_check_data): the recipient is hidden when there are several. */
  checkData(ctx: CheckContext): Promise<CheckResult> {
    const c = (ctx.rcptCount ?? 0) > 1 ? { ...ctx, recipient: undefined } : ctx;
    return this.runStage(this.settings.dataRestrictions, 'data', 'DATA', c);
  }

  /**
   * smtpd_end_of_data_restrictions (smtpd_check_eod): after the whole message was read; as at
   * DATA the recipient is hidden when there are several.
   */
  checkEndOfData(ctx: CheckContext): Promise<CheckResult> {
    const c = (ctx.rcptCount ?? 0) > 1 ? { ...ctx, recipient: undefined } : ctx;
    return this.runStage(this.settings.endOfDataRestrictions, 'eod', EOD_REPLY_NAME, c);
  }

  /** One stage's list; a configuration error found on the way ends it with 451 4.3.5. */
  private async runStage(list: string[] | undefined, stage: Stage, replyName: string, ctx: CheckContext): Promise<CheckResult> {
    if (!list?.length) return undefined;
    try {
      const r = await this.runList(list, stage, replyName, ctx, 0);
      return r === 'permit' || r === 'dunno' ? undefined : r;
    } catch (err) {
      if (err instanceof ServerConfigurationError) return SERVER_CONFIGURATION_ERROR;
      throw err;
    }
  }

  /** generic_checks(): the first restriction that is not "dunno" decides the list. */
  private async runList(list: string[], stage: Stage, replyName: string, ctx: CheckContext, depth: number): Promise<Verdict> {
    if (depth > MAX_RECURSION) {
      this.warn(`restriction list ${list.join(' ')} causes unreasonable recursion`);
      throw new ServerConfigurationError();
    }
    let reply: ResolveReply | undefined;
    const resolved = async (): Promise<ResolveReply> => (reply ??= await this.resolve(ctx.sender ?? '', ctx.recipient ?? ''));
    for (let n = 0; n < list.length; n++) {
      let name = list[n]!.toLowerCase();
      if (name.includes(':')) {
        // A bare table stands for the stage's own access restriction (no default at DATA).
        const acl = DEFAULT_ACL[stage];
        if (!acl) {
          this.warn(`specify one of (${ACCESS_RESTRICTIONS.join(', ')}) before ${REPLY_CLASS[stage]} restriction "${list[n]}"`);
          throw new ServerConfigurationError();
        }
        name = acl;
        n--;
      }
      const input: RestrictionInput = {
        settings: this.settings, ctx, stage, replyName, rcpt: `<${ctx.recipient ?? ''}>`, resolved,
        unlisted: () => this.unlisted(ctx, ctx.recipient ?? '', 'recipient'),
        argument: () => (n + 1 < list.length ? list[++n] : undefined),
        nested: (inner) => this.runList(inner, stage, replyName, ctx, depth + 1),
        warn: this.warn,
      };
      const v = await this.one(name, input);
      if (v !== 'dunno') return v;
    }
    return 'dunno';
  }

  private async one(name: string, input: RestrictionInput): Promise<Verdict> {
    const restriction = RESTRICTIONS[name];
    if (restriction) return restriction.check(input);
    const cls = this.settings.restrictionClasses?.get(name);
    if (cls) return input.nested(cls);
    if (name === 'reject_unlisted_sender') return input.ctx.sender ? (await this.unlisted(input.ctx, input.ctx.sender, 'sender')) ?? 'dunno' : 'dunno';
    this.warn(`unknown smtpd restriction: "${name}"`);
    throw new ServerConfigurationError();
  }

  /** The table that must list an address of this class, if any. */
  private unlistedTable(flags: number): UnlistedTable | undefined {
    const s = this.settings;
    const codes = codesOf(s);
    if (flags & RESOLVE_CLASS_LOCAL) return { lookup: s.lookupLocalRecipient, code: s.unknownLocalRecipientRejectCode, table: 'local recipient table' };
    if ((flags & RESOLVE_CLASS_VIRTUAL) && s.lookupVirtualMailbox) return { lookup: s.lookupVirtualMailbox, code: codes.unknownVirtualMailbox, table: 'virtual mailbox table' };
    if ((flags & RESOLVE_CLASS_RELAY) && s.lookupRelayRecipient) return { lookup: s.lookupRelayRecipient, code: codes.unknownRelayRecipient, table: 'relay recipient table' };
    return undefined;
  }

  /**
   * check_rcpt_maps(): an address of a class whose table does not list it is refused with the
   * class's code, "5.1.1" for a recipient, "5.1.0" for a sender; an address trivial-rewrite
   * sends to the error transport (an unknown virtual alias) with its text and
   * unknown_virtual_alias_reject_code.
   */
  private async unlisted(ctx: CheckContext, address: string, stage: 'sender' | 'recipient'): Promise<CheckResult> {
    const reply = await this.resolve(ctx.sender ?? '', address);
    // reject_dict_retry(): the resolver's own table lookup failed.
    if (reply.flags & RESOLVE_FLAG_FAIL) return temporaryLookupFailure(address);
    if (await this.settings.isVirtualAlias?.(reply.recipient)) return undefined;
    const detail = stage === 'sender' ? '5.1.0' : '5.1.1';
    const rejected = (code: number, dsn: string, why: string) =>
      rejectReply(this.settings, code, dsn, `<${address}>: ${REPLY_CLASS[stage]} rejected: ${why}`, MAIL_ERROR.BOUNCE);
    if (reply.transport === 'error') {
      const d = splitDsn(reply.nexthop, detail);
      return rejected(reply.flags & RESOLVE_CLASS_ALIAS ? codesOf(this.settings).unknownVirtualAlias : 550, d.dsn, d.text);
    }
    // Addresses qmgr and bounce absorb or generate are never "unknown".
    const lower = reply.recipient.toLowerCase();
    if ((reply.flags & RESOLVE_CLASS_LOCAL) && ['double-bounce@', 'postmaster@', 'mailer-daemon@'].some((p) => lower.startsWith(p))) return undefined;
    const table = this.unlistedTable(reply.flags);
    if (!table) return undefined;
    const found = await table.lookup(reply.recipient);
    if (found === 'unknown') return rejected(table.code, detail, `User unknown in ${table.table}`);
    if (found === 'error') return temporaryLookupFailure(address);
    return undefined;
  }
}

/**
 * reject_dict_retry(): a table failed while checking `address`; the client may try again later.
 * Postfix 3.7 files it under the "data" error class, so notify_classes' default sends no notice.
 */
function temporaryLookupFailure(address: string): CheckResult {
  return { reply: `451 4.3.0 <${address}>: Temporary lookup failure`, errorClass: MAIL_ERROR.DATA };
}
