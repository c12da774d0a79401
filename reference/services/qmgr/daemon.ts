/**
 * qmgr as master starts it (registry command "qmgr"): the queue manager is one of the shared
 * services (cleanup wakes it, delivery agents register with it); its master.cf entry starts the
 * scheduling — once every entry has started, so that each transport's agent is there before the
 * first queue scan — and stops it.
 */
import type { ReferenceDaemon } from '../master/shared.ts';

export const qmgrDaemon: ReferenceDaemon = {
  types: ['unix', 'fifo'],
  async start({ services }) {
    return { ready: () => services.qmgr.start(), close: () => services.qmgr.stop() };
  },
};
