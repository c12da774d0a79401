/** discard(8) as master starts it (registry command "discard", master.cf type unix). */
import { logServiceName } from '../../skeleton/daemon.ts';
import { deliveryAgentDaemon } from '../../skeleton/single-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { createDiscardAgent } from './discard.ts';

export const discardDaemon: ReferenceDaemon = deliveryAgentDaemon(({ entry, config, services }) => ({
  agent: createDiscardAgent({ transport: entry.service, logger: services.logger, logService: logServiceName(config, 'discard') }),
}));
