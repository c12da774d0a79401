/**
 * error(8) as master starts it (registry command "error", master.cf type unix): the entry named
 * "retry" defers every recipient, any other name bounces them.
 */
import { logServiceName } from '../../skeleton/daemon.ts';
import { deliveryAgentDaemon } from '../../skeleton/single-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { createErrorAgent } from './error.ts';

export const errorDaemon: ReferenceDaemon = deliveryAgentDaemon(({ entry, config, services }) => ({
  agent: createErrorAgent({
    transport: entry.service, logger: services.logger, logService: logServiceName(config, 'error'),
    mode: entry.service === 'retry' ? 'retry' : 'error',
  }),
}));
