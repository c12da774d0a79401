/**
 * local(8) as master starts it (registry command "local", master.cf type unix): the delivery
 * agent for the entry's transport, with its settings from main.cf (and the entry's -o
 * overrides) and alias_maps as one table list, released once qmgr has stopped.
 */
import type { MainConfig } from '../../config/index.ts';
import { Maps } from '../../global/maps.ts';
import { logServiceName } from '../../skeleton/daemon.ts';
import { deliveryAgentDaemon } from '../../skeleton/single-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { createLocalAgent, type LocalSettings } from './local.ts';
import { smtputf8Autodetect } from '../../global/smtputf8.ts';

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

/**
 * forward_path's entries as dotforward.c takes them: split at every comma and blank, braces
 * or not (a "${" left open stays an entry of its own, which local(8) warns about and skips).
 */
function forwardPathEntries(value: string): string[] {
  return value.split(/[, \t\r\n]+/).filter((entry) => entry !== '');
}

export function localSettings(config: MainConfig, transport: string): LocalSettings {
  return {
    transport,
    logService: logServiceName(config, 'local'),
    myhostname: config.get('myhostname'),
    myorigin: config.get('myorigin'),
    mailName: config.get('mail_name'),
    smtputf8AutodetectForward: smtputf8Autodetect(config.get('smtputf8_autodetect_classes'), 'forward'),
    mailSpoolDirectory: config.get('mail_spool_directory'),
    homeMailbox: config.get('home_mailbox'),
    recipientDelimiter: config.get('recipient_delimiter'),
    mailboxSizeLimit: config.int('mailbox_size_limit'),
    luserRelay: config.get('luser_relay'),
    enableOriginalRecipient: config.bool('enable_original_recipient'),
    ownerRequestSpecial: config.bool('owner_request_special'),
    dotLock: config.list('mailbox_delivery_lock').includes('dotlock')
      ? { attempts: config.int('deliver_lock_attempts'), delayMs: config.time('deliver_lock_delay') * 1000, staleSec: config.time('stale_lock_time') }
      : undefined,
    destinations: {
      allowMailToCommands: config.list('allow_mail_to_commands'),
      allowMailToFiles: config.list('allow_mail_to_files'),
      defaultPrivs: config.get('default_privs'),
      forwardPath: forwardPathEntries(config.raw('forward_path')),
      commandExecutionDirectory: config.raw('command_execution_directory'),
      queueDirectory: config.get('queue_directory'),
      exportEnvironment: config.list('export_environment'),
      importedEnvironment: importedEnvironment(config),
      commandExpansionFilter: config.get('command_expansion_filter'),
      executionDirectoryExpansionFilter: config.get('execution_directory_expansion_filter'),
      forwardExpansionFilter: config.get('forward_expansion_filter'),
      localCommandShell: config.get('local_command_shell'),
      commandTimeLimit: config.time('command_time_limit'),
      prependDeliveredHeader: config.list('prepend_delivered_header'),
    },
    mailboxCommand: config.get('mailbox_command'),
    mailboxTransport: config.get('mailbox_transport'),
    fallbackTransport: config.get('fallback_transport'),
    requireHomeDirectory: config.bool('require_home_directory'),
    strictMailboxOwnership: config.bool('strict_mailbox_ownership'),
    expandOwnerAlias: config.bool('expand_owner_alias'),
    frozenDeliveredTo: config.bool('frozen_delivered_to'),
  };
}

export const localDaemon: ReferenceDaemon = deliveryAgentDaemon(({ entry, config: cfg, services: s }) => {
  const aliases = new Maps('alias_maps', cfg.list('alias_maps'), s.openTable, cfg.bool('smtputf8_enable'));
  const mailboxTransports = new Maps('mailbox_transport_maps', cfg.list('mailbox_transport_maps'), s.openTable, cfg.bool('smtputf8_enable'));
  const fallbackTransports = new Maps('fallback_transport_maps', cfg.list('fallback_transport_maps'), s.openTable, cfg.bool('smtputf8_enable'));
  const commands = new Maps('mailbox_command_maps', cfg.list('mailbox_command_maps'), s.openTable, cfg.bool('smtputf8_enable'));
  const statusFilter = new Maps('local_delivery_status_filter', cfg.list('local_delivery_status_filter'), s.openTable, cfg.bool('smtputf8_enable'));
  const agent = createLocalAgent({
    settings: localSettings(cfg, entry.service), logger: s.logger, cleanup: s.cleanup, rewrite: s.rewrite,
    aliasLookup: async (name) => (await aliases.find(name)) ?? undefined,
    mailboxCommandLookup: async (user) => (await commands.find(user)) ?? undefined,
    mailboxTransportLookup: async (user) => (await mailboxTransports.find(user)) ?? undefined,
    fallbackTransportLookup: async (user) => (await fallbackTransports.find(user)) ?? undefined,
    passAgent: (transport) => s.qmgr.agent(transport),
    statusFilter,
  });
  return { agent, release: async () => void (await Promise.all([aliases, mailboxTransports, fallbackTransports, commands, statusFilter].map((m) => m.close()))) };
});
