/**
 * Public API of reference/protocol: Postfix's attribute protocol (attr0 and plain encodings),
 * socket names, and the generic client. The server side is reference/skeleton/multi-server.ts.
 */
export * from './attr.ts';
export * from './sockets.ts';
export { AttrClient } from './client.ts';
export type { AttrClientOptions } from './client.ts';
