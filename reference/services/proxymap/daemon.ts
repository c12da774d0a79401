/**
 * proxymap(8) as master starts it (registry command "proxymap"): the entry named "proxywrite"
 * serves the read-write instance, any other name the read-only one, on the entry's socket.
 */
import { multiServerDaemon } from '../../skeleton/multi-server.ts';
import type { ReferenceDaemon } from '../master/shared.ts';
import { serveProxymap } from './proxymap.ts';

export const proxymapDaemon: ReferenceDaemon = multiServerDaemon(({ entry, services }, socket) =>
  serveProxymap(socket, entry.service === 'proxywrite' ? services.proxy.proxywrite : services.proxy.proxymap));
