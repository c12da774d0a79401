/**
 * smtp(8) as master starts it (registry command "smtp", master.cf type unix: smtp, relay …): the
 * delivery agent for the entry's transport, with connection reuse through scache (in-process:
 * Node cannot pass a socket to another process) and address probes of verify(8) answered
 * without delivery (verify/probe-agent.ts). Reads the smtp_* parameters of postconf(5) from the
 * entry's configuration (its -o overrides included) and opens the tables they name once, closed
 * when the entry is released.
 */
import { logServiceName } from '../../skeleton/daemon.ts';
import { deliveryAgentDaemon } from '../../skeleton/single-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { createSmtpReuse } from '../scache/smtp-reuse.ts';
import { withAddressProbes } from '../verify/probe-agent.ts';
import type { SmtpConnection } from './client.ts';
import { ehloMask } from '../../global/ehlo-mask.ts';
import { Maps } from '../../global/maps.ts';
import { LocalDomains } from '../../global/resolve-local.ts';
import { GenericMaps } from './generic-maps.ts';
import { REPLY_TIMEOUT_PARAMETERS, createSmtpAgent } from './smtp.ts';

/** The TCP ports of the service names smtp_tcp_port may give instead of a number (services(5)). */
const SERVICE_PORTS: Record<string, number> = { smtp: 25, submission: 587, submissions: 465, lmtp: 24 };

/** smtp_tcp_port as a number: digits, or a service name. */
function servicePort(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const port = SERVICE_PORTS[value.toLowerCase()];
  if (port === undefined) throw new Error(`unknown service: ${value}/tcp`);
  return port;
}

/** smtp_address_verify_target: "rcpt" or "data" (exactly); anything else is a configuration error. */
function verifyTarget(value: string): 'rcpt' | 'data' {
  if (value !== 'rcpt' && value !== 'data') throw new Error(`unknown "smtp_address_verify_target" value: "${value}"`);
  return value;
}

export const smtpDaemon: ReferenceDaemon = deliveryAgentDaemon(({ entry, config: cfg, services: s }) => {
  const reuse = createSmtpReuse<SmtpConnection>({
    onDemand: cfg.bool('smtp_connection_cache_on_demand'), destinations: cfg.list('smtp_connection_cache_destinations'),
    cacheTimeLimit: cfg.time('smtp_connection_cache_time_limit'), reuseTimeLimit: cfg.time('smtp_connection_reuse_time_limit'),
    reuseCountLimit: cfg.int('smtp_connection_reuse_count_limit'),
  }, { ttlLimit: cfg.time('connection_cache_ttl_limit'), closeConnection: (c) => c.close() });
  const logService = logServiceName(cfg, 'smtp');
  const opened: Maps[] = [];
  const tables = (param: string): Maps => {
    const maps = new Maps(param, cfg.list(param), s.openTable, cfg.bool('smtputf8_enable'));
    opened.push(maps);
    return maps;
  };
  const genericMaps = (): GenericMaps | undefined => {
    const maps = tables('smtp_generic_maps');
    if (maps.empty) return undefined;
    return new GenericMaps({
      maps, local: new LocalDomains({ str: (n) => cfg.get(n), bool: (n) => cfg.bool(n) }, s.openTable),
      myorigin: cfg.get('myorigin'), delimiters: cfg.get('recipient_delimiter'),
      propagate: cfg.list('propagate_unmatched_extensions').some((c) => c.toLowerCase() === 'generic'),
      warn: (t) => s.logger.warning(logService, t),
    });
  };
  const agent = createSmtpAgent({
    transport: entry.service, logger: s.logger, logService, heloName: cfg.get('smtp_helo_name'), smtputf8Enable: cfg.bool('smtputf8_enable'),
    connectTimeoutMs: cfg.time('smtp_connect_timeout') * 1000,
    replyTimeoutsMs: Object.fromEntries(Object.entries(REPLY_TIMEOUT_PARAMETERS).map(([wait, param]) => [wait, cfg.time(param) * 1000])),
    lineLengthLimit: cfg.int('smtp_line_length_limit'), reuse,
    mimeOutput: {
      disableConversion: cfg.bool('disable_mime_output_conversion'), nestingLimit: cfg.int('mime_nesting_limit'),
      boundaryLengthLimit: cfg.int('mime_boundary_length_limit'), headerSizeLimit: cfg.int('header_size_limit'),
    },
    handshake: {
      skip5xxGreeting: cfg.bool('smtp_skip_5xx_greeting'), alwaysSendEhlo: cfg.bool('smtp_always_send_ehlo'),
      neverSendEhlo: cfg.bool('smtp_never_send_ehlo'), discardMask: ehloMask(cfg.get('smtp_discard_ehlo_keywords')),
      discardMaps: tables('smtp_discard_ehlo_keyword_address_maps'),
    },
    quoteEnvelope: cfg.bool('smtp_quote_rfc821_envelope'),
    generic: genericMaps(), sendXforward: cfg.bool('smtp_send_xforward_command'),
    statusFilter: tables('smtp_delivery_status_filter'), replyFilter: tables('smtp_reply_filter'),
    pix: {
      workarounds: cfg.get('smtp_pix_workarounds'), maps: tables('smtp_pix_workaround_maps'),
      thresholdSec: cfg.time('smtp_pix_workaround_threshold_time'), delayMs: cfg.time('smtp_pix_workaround_delay_time') * 1000,
    },
    bindAddress: cfg.get('smtp_bind_address'), bindAddressEnforce: cfg.bool('smtp_bind_address_enforce'),
    verifyTarget: verifyTarget(cfg.get('smtp_address_verify_target')),
    tcpPort: servicePort(cfg.get('smtp_tcp_port')), fallbackRelay: cfg.list('smtp_fallback_relay'),
    outputChecks: {
      header: tables('smtp_header_checks'), mime: tables('smtp_mime_header_checks'),
      nested: tables('smtp_nested_header_checks'), body: tables('smtp_body_checks'),
    },
  });
  const probing = withAddressProbes(agent, { logger: s.logger, logService, heloName: cfg.get('smtp_helo_name'), verify: s.verify });
  return { agent: probing, release: async () => { await reuse.close(); await Promise.all(opened.map((m) => m.close())); } };
});
