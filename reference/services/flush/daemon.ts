/** flush(8) as master starts it (registry command "flush"): the shared service on the entry's socket. */
import { multiServerDaemon } from '../../skeleton/multi-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { serveFlush } from './flush.ts';

export const flushDaemon: ReferenceDaemon = multiServerDaemon(({ services }, socket) => serveFlush(socket, services.flush));
