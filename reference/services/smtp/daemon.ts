/**
 * smtp(8) as master starts it (registry command "smtp", master.cf type unix: smtp, relay …): the
 * delivery agent for the entry's transport, with connection reuse through scache (in-process:
 * Node cannot pass a socket to another process) and address probes of verify(8) answered
 * without delivery (verify/probe-agent.ts).
 */
import { logServiceName } from '../../skeleton/daemon.ts';
import { deliveryAgentDaemon } from '../../skeleton/single-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { createSmtpReuse } from '../scache/smtp-reuse.ts';
import { withAddressProbes } from '../verify/probe-agent.ts';
import type { SmtpConnection } from './client.ts';
import { ehloMask } from '../../global/ehlo-mask.ts';
import { REPLY_TIMEOUT_PARAMETERS, createSmtpAgent } from './smtp.ts';

export const smtpDaemon: ReferenceDaemon = deliveryAgentDaemon(({ entry, config: cfg, services: s }) => {
  const reuse = createSmtpReuse<SmtpConnection>({
    onDemand: cfg.bool('smtp_connection_cache_on_demand'), destinations: cfg.list('smtp_connection_cache_destinations'),
    cacheTimeLimit: cfg.time('smtp_connection_cache_time_limit'), reuseTimeLimit: cfg.time('smtp_connection_reuse_time_limit'),
    reuseCountLimit: cfg.int('smtp_connection_reuse_count_limit'),
  }, { ttlLimit: cfg.time('connection_cache_ttl_limit'), closeConnection: (c) => c.close() });
  const logService = logServiceName(cfg, 'smtp');
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
    },
    quoteEnvelope: cfg.bool('smtp_quote_rfc821_envelope'),
  });
  const probing = withAddressProbes(agent, { logger: s.logger, logService, heloName: cfg.get('smtp_helo_name'), verify: s.verify });
  return { agent: probing, release: async () => reuse.close() };
});
