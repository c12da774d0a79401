/**
 * smtpd as master starts it (registry command "smtpd", master.cf type inet): one SMTP server per
 * address of the entry, sharing the entry's local_recipient_maps (and relay_recipient_maps,
 * virtual_mailbox_maps, virtual_alias_maps for the unlisted-address checks, and the session's
 * smtpd_reject_footer_maps, smtpd_command_filter, smtpd_discard_ehlo_keyword_address_maps), with ETRN through flush(8),
 * connection limits through anvil(8) and reject_unverified_* through verify(8).
 */
import { Maps } from '../../global/maps.ts';
import { inetDaemon } from '../../skeleton/single-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { unverifiedCheck } from '../verify/smtpd-check.ts';
import { networkMatcher } from './mynetworks.ts';
import { restrictionSettings, smtpdSettings, smtpdTables } from './settings.ts';
import { createSmtpd } from './smtpd.ts';

export const smtpdDaemon: ReferenceDaemon = inetDaemon(({ entry, config: cfg, services: s }) => {
  const localRecipients = new Maps('local_recipient_maps', cfg.list('local_recipient_maps'), s.openTable, cfg.bool('smtputf8_enable'));
  const limits = {
    anvil: s.anvil, service: entry.service, myhostname: cfg.get('myhostname'),
    countLimit: cfg.int('smtpd_client_connection_count_limit'), rateLimit: cfg.int('smtpd_client_connection_rate_limit'),
    exempt: networkMatcher(cfg.list('smtpd_client_event_limit_exceptions')),
  };
  const utf8 = cfg.bool('smtputf8_enable');
  const tables = {
    relay: new Maps('relay_recipient_maps', cfg.list('relay_recipient_maps'), s.openTable, utf8),
    virtualMailbox: new Maps('virtual_mailbox_maps', cfg.list('virtual_mailbox_maps'), s.openTable, utf8),
    virtualAlias: new Maps('virtual_alias_maps', cfg.list('virtual_alias_maps'), s.openTable, utf8),
  };
  const sessionTables = smtpdTables(cfg, s.openTable);
  const restrictions = { ...restrictionSettings(cfg, localRecipients, s.openTable, tables), unverified: unverifiedCheck(cfg, s.verify) };
  return {
    newServer: () => createSmtpd({ settings: { ...smtpdSettings(cfg), ...sessionTables }, restrictions, cleanup: s.cleanup, rewrite: s.rewrite, logger: s.logger, flush: s.flush, limits }),
    release: async () => {
      await Promise.all([localRecipients, tables.relay, tables.virtualMailbox, tables.virtualAlias, ...Object.values(sessionTables)].map((m) => m.close()));
    },
  };
});
