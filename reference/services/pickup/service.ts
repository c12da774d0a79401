/**
 * pickup as the master runs it: the pickup service plus its trigger socket
 * $queue_directory/public/<service name> (what postdrop and postqueue -f poke — the reference's
 * and real Postfix's alike), woken every master.cf "wakeup" seconds (60 by default).
 * Called by reference/services/master for a master.cf entry whose command is "pickup".
 */
import type { CleanupClient, Logger } from '../contracts.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import { publicSocket } from '../../protocol/sockets.ts';
import { createPickup, type PickupParams } from './pickup.ts';
import { serveTrigger } from './trigger.ts';

export interface PickupServiceDeps {
  config: PickupParams;
  layout: QueueLayout;
  cleanup: CleanupClient;
  logger: Logger;
  /** master.cf service name (the socket name) and wakeup column. */
  service: string;
  wakeupSeconds: number;
}

export interface RunningPickup {
  wake(): void;
  close(): Promise<void>;
}

export async function startPickupService(deps: PickupServiceDeps): Promise<RunningPickup> {
  const pickup = createPickup({ ...deps, wakeupSeconds: deps.wakeupSeconds });
  const server = await serveTrigger(publicSocket(deps.layout.queueDir, deps.service), () => pickup.wake());
  await pickup.start();
  return {
    wake: () => pickup.wake(),
    async close() {
      await server.close();
      await pickup.stop();
    },
  };
}
