/**
 * The multi_server process model (multi_server(3), postfix-internals.md §0.2): one server, many
 * long-lived client connections, many requests per connection. serveAttrProtocol() listens on a
 * Unix stream socket speaking Postfix's attribute protocol: the server announces its protocol on
 * accept; each request is one attribute list and gets at most one reply list, in order; a
 * handler that returns null (bad request) makes the server drop that client, as Postfix does.
 * multiServerDaemon() turns a service's serve function into a daemon master starts for a
 * master.cf entry, on $queue_directory/private|public/<service name>.
 *
 * Used by trivial-rewrite, proxymap, verify, flush and anvil (their serveX functions).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AttrDecoder, announcement, encodeAttrs, type AttrEncoding, type AttrList } from '../protocol/attr.ts';
import { entrySocket, type Daemon, type DaemonContext } from './daemon.ts';

export interface AttrService {
  /** Announced on accept as `protocol` = this name. */
  protocol: string;
  encoding?: AttrEncoding;
  /** One request → reply list, or null to disconnect the client without a reply. */
  handle(request: AttrList, connection: Socket): Promise<AttrList | null> | AttrList | null;
  /** Called when a client connection ends (anvil-style per-connection state). */
  closed?(connection: Socket): void;
}

export interface RunningServer {
  readonly path: string;
  close(): Promise<void>;
}

export async function serveAttrProtocol(path: string, service: AttrService): Promise<RunningServer> {
  const encoding = service.encoding ?? 'attr0';
  const connections = new Set<Socket>();
  const server: Server = createServer((conn) => {
    connections.add(conn);
    const decoder = new AttrDecoder(encoding);
    let queue: Promise<void> = Promise.resolve();
    conn.write(announcement(service.protocol, encoding));
    conn.on('data', (chunk: Buffer) => {
      let lists: AttrList[];
      try {
        lists = decoder.push(chunk);
      } catch {
        conn.destroy(); // bytes that are not the attribute protocol: the client is dropped, as Postfix's attr_scan does
        return;
      }
      for (const list of lists) {
        queue = queue.then(async () => {
          if (conn.destroyed) return;
          let reply: AttrList | null;
          try {
            reply = await service.handle(list, conn);
          } catch {
            reply = null; // a handler's fault drops that one client (reference/README.md, errors rule 4)
          }
          if (reply === null) conn.destroy();
          else conn.write(encodeAttrs(reply, encoding));
        });
      }
    });
    conn.on('error', () => conn.destroy());
    conn.on('close', () => {
      connections.delete(conn);
      service.closed?.(conn);
    });
  });
  await mkdir(dirname(path), { recursive: true });
  await rm(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    path,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A multi_server daemon: master.cf's entry names the socket ($queue_directory/private/<service>,
 * or public/ for private = n); `serve` puts the service behind it (e.g. serveFlush).
 */
export function multiServerDaemon<S>(serve: (ctx: DaemonContext<S>, socketPath: string) => Promise<RunningServer>): Daemon<S> {
  return {
    types: ['unix'],
    async start(ctx) {
      const server = await serve(ctx, entrySocket(ctx));
      return { close: () => server.close() };
    },
  };
}
