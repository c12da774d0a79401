/**
 * Turning main.cf (MainConfig, with a master.cf entry's -o overrides applied) into the typed
 * settings of the services master starts: smtpd session and restriction settings, local(8)
 * settings, and the table lookups they need (alias_maps, local_recipient_maps). Only the
 * parameters the reference implements are read; their names are Postfix's.
 */
import { networkInterfaces } from 'node:os';
import type { MainConfig } from '../../config/index.ts';
import { splitList } from '../../config/units.ts';
import { openTable } from '../../tables/index.ts';
import type { Table } from '../../tables/types.ts';
import type { SmtpdSettings } from '../smtpd/session.ts';
import type { RecipientLookup, RestrictionSettings } from '../smtpd/restrictions.ts';
import { networkMatcher } from '../smtpd/mynetworks.ts';
import type { LocalSettings } from '../local/local.ts';
import { lookupUser } from '../local/users.ts';

/** The syslog tag of a service: "postfix/<name>", or the -o syslog_name override as is. */
export function logServiceName(config: MainConfig, program: string): string {
  const name = config.get('syslog_name');
  return name === 'postfix' ? program : `${name}/${program}`;
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
    softErrorLimit: config.int('smtpd_soft_error_limit'),
    hardErrorLimit: config.int('smtpd_hard_error_limit'),
    junkCommandLimit: config.int('smtpd_junk_command_limit'),
    errorSleepMs: config.time('smtpd_error_sleep_time') * 1000,
    timeoutMs: config.time('smtpd_timeout') * 1000,
    heloRequired: config.bool('smtpd_helo_required'),
    disableVrfy: config.bool('disable_vrfy_command'),
    smtputf8Enable: config.bool('smtputf8_enable'),
    forbiddenCommands: config.list('smtpd_forbidden_commands'),
    forbidUnauthPipelining: config.bool('smtpd_forbid_unauth_pipelining'),
    forbidBareNewline: bareNewlineMode(config.get('smtpd_forbid_bare_newline')),
    forbidBareNewlineRejectCode: config.int('smtpd_forbid_bare_newline_reject_code'),
    bareNewlineExcluded: networkMatcher(config.list('smtpd_forbid_bare_newline_exclusions')),
    localHeaderRewrite: localHeaderRewriteClients(config),
    logService: logServiceName(config, 'smtpd'),
  };
}

/** The addresses inet_interfaces stands for ("all": every address of this host). */
function interfaceAddresses(config: MainConfig): string[] {
  const out: string[] = [];
  for (const i of config.list('inet_interfaces')) {
    if (i === 'all') out.push(...Object.values(networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address)));
    else if (i === 'loopback-only') out.push('127.0.0.1', '::1');
    else out.push(i);
  }
  return out;
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
    if (item === 'permit_inet_interfaces') matchers.push(networkMatcher(interfaceAddresses(config)));
    else if (item === 'permit_mynetworks') matchers.push(networkMatcher(config.list('mynetworks')));
    else if (item === 'static:all') matchers.push(() => true);
    else literals.push(item);
  }
  if (literals.length) matchers.push(networkMatcher(literals));
  return (addr) => matchers.some((m) => m(addr));
}

/** Open every table of a list parameter once; lookups go through them in order. */
export class TableList {
  private tables: Promise<(Table | 'passwd')[]> | undefined;
  constructor(private readonly specs: string[]) {}

  get empty(): boolean {
    return this.specs.length === 0;
  }

  private open(): Promise<(Table | 'passwd')[]> {
    this.tables ??= Promise.all(this.specs.map((spec) => {
      if (/^(proxy:)?unix:passwd\.byname$/.test(spec)) return 'passwd' as const;
      return openTable(spec);
    }));
    return this.tables;
  }

  /** First value found for any of the keys (tried in order per table); undefined = none. */
  async find(keys: string[]): Promise<string | undefined> {
    for (const t of await this.open()) {
      for (const key of keys) {
        if (t === 'passwd') {
          if (!key.includes('@') && lookupUser(key)) return key;
          continue;
        }
        const v = await t.lookup(key);
        if (v !== null) return v;
      }
    }
    return undefined;
  }

  async close(): Promise<void> {
    if (!this.tables) return;
    for (const t of await this.tables.catch(() => [])) if (t !== 'passwd') await t.close().catch(() => undefined);
  }
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

export function restrictionSettings(config: MainConfig, localRecipients: TableList): RestrictionSettings {
  const delimiter = config.get('recipient_delimiter');
  return {
    relayRestrictions: config.list('smtpd_relay_restrictions'),
    recipientRestrictions: config.list('smtpd_recipient_restrictions'),
    rejectUnlistedRecipient: config.bool('smtpd_reject_unlisted_recipient'),
    unknownLocalRecipientRejectCode: config.int('unknown_local_recipient_reject_code'),
    relayDomainsRejectCode: config.int('relay_domains_reject_code'),
    isMyNetwork: networkMatcher(config.list('mynetworks')),
    async lookupLocalRecipient(address: string): Promise<RecipientLookup> {
      if (localRecipients.empty) return 'no-table';
      try {
        return (await localRecipients.find(localKeys(address, delimiter))) !== undefined ? 'known' : 'unknown';
      } catch {
        return 'error';
      }
    },
  };
}

/** What master(8) passes to its children: import_environment (NAME or NAME=VALUE) and MAIL_CONFIG. */
function importedEnvironment(config: MainConfig): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = {};
  for (const item of config.list('import_environment')) {
    const eq = item.indexOf('=');
    if (eq > 0) env[item.slice(0, eq)] = item.slice(eq + 1);
    else env[item] = process.env[item];
  }
  env.MAIL_CONFIG = config.get('config_directory');
  return env;
}

export function localSettings(config: MainConfig, transport: string): LocalSettings {
  return {
    transport,
    logService: logServiceName(config, 'local'),
    myhostname: config.get('myhostname'),
    myorigin: config.get('myorigin'),
    mailName: config.get('mail_name'),
    mailSpoolDirectory: config.get('mail_spool_directory'),
    homeMailbox: config.get('home_mailbox'),
    recipientDelimiter: config.get('recipient_delimiter'),
    enableOriginalRecipient: config.bool('enable_original_recipient'),
    ownerRequestSpecial: config.bool('owner_request_special'),
    destinations: {
      allowMailToCommands: config.list('allow_mail_to_commands'),
      allowMailToFiles: config.list('allow_mail_to_files'),
      defaultPrivs: config.get('default_privs'),
      forwardPath: splitList(config.raw('forward_path')),
      commandExecutionDirectory: config.raw('command_execution_directory'),
      queueDirectory: config.get('queue_directory'),
      exportEnvironment: config.list('export_environment'),
      importedEnvironment: importedEnvironment(config),
      commandExpansionFilter: config.get('command_expansion_filter'),
      localCommandShell: config.get('local_command_shell'),
      commandTimeLimit: config.time('command_time_limit'),
      prependDeliveredHeader: config.list('prepend_delivered_header'),
    },
  };
}
