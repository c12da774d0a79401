/**
 * Socket names of Postfix services: master(8) creates each `unix` service of master.cf at
 * `$queue_directory/private/<name>` (private column y, the default) or `$queue_directory/public/<name>`.
 * Daemons use the relative name; a client outside the queue directory needs the absolute path.
 */
import { join } from 'node:path';

export type SocketClass = 'private' | 'public';

export function socketPath(queueDirectory: string, cls: SocketClass, service: string): string {
  if (!service || service.includes('/')) throw new Error(`bad service name: ${service}`);
  return join(queueDirectory, cls, service);
}

export const privateSocket = (queueDirectory: string, service: string): string => socketPath(queueDirectory, 'private', service);
export const publicSocket = (queueDirectory: string, service: string): string => socketPath(queueDirectory, 'public', service);
