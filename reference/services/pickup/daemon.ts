/**
 * pickup as master starts it (registry command "pickup", master.cf type unix or fifo): the
 * pickup service in the trigger_server model — its trigger socket $queue_directory/public/
 * <service name> (what postdrop and postqueue -f poke, the reference's and real Postfix's
 * alike) and the master.cf "wakeup" timer (60 s by default) both wake it.
 */
import { triggerServerDaemon } from '../../skeleton/trigger-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { createPickup } from './pickup.ts';

export const pickupDaemon: ReferenceDaemon = triggerServerDaemon(({ config, services }) =>
  createPickup({ config, layout: services.layout, cleanup: services.cleanup, logger: services.logger }));
