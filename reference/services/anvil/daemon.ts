/** anvil(8) as master starts it (registry command "anvil"): the shared service on the entry's socket. */
import { multiServerDaemon } from '../../skeleton/multi-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { serveAnvil } from './anvil.ts';

export const anvilDaemon: ReferenceDaemon = multiServerDaemon(({ services }, socket) => serveAnvil(socket, services.anvil));
