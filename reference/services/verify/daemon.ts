/** verify(8) as master starts it (registry command "verify"): the shared service on the entry's socket. */
import { multiServerDaemon } from '../../skeleton/multi-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { serveVerify } from './verify.ts';

export const verifyDaemon: ReferenceDaemon = multiServerDaemon(({ services }, socket) => serveVerify(socket, services.verify));
