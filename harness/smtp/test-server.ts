/**
 * A tiny scripted TCP server for the dialog driver's tests: each connection is handed to a
 * handler that plays the server side by hand. close() destroys every socket it accepted.
 */
import net from 'node:net';

export interface ScriptedServer {
  port: number;
  /** Every byte received, per connection, in order. */
  received: Buffer[][];
  close(): Promise<void>;
}

export async function scriptedServer(handler: (socket: net.Socket, index: number) => void): Promise<ScriptedServer> {
  const sockets = new Set<net.Socket>();
  const received: Buffer[][] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    received.push(chunks);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    handler(socket, received.length - 1);
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    received,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Resolves once `socket` has received a total that satisfies `done` (checked on each chunk). */
export function receivedUntil(socket: net.Socket, done: (all: Buffer) => boolean): Promise<Buffer> {
  let all = Buffer.alloc(0);
  return new Promise((resolve) => {
    const onData = (c: Buffer) => {
      all = Buffer.concat([all, c]);
      if (!done(all)) return;
      socket.off('data', onData);
      resolve(all);
    };
    socket.on('data', onData);
  });
}
