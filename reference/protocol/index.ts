/**
 * Public API of reference/protocol: Postfix's attribute protocol (attr0 and plain encodings),
 * socket names, and the generic multi_server-style socket server and client.
 */
export * from './attr.ts';
export * from './sockets.ts';
export { serveAttrProtocol } from './server.ts';
export type { AttrService, RunningServer } from './server.ts';
export { AttrClient } from './client.ts';
export type { AttrClientOptions } from './client.ts';
