/**
 * A socketmap_table(5) server with a configurable delay before every answer: the stand-in for a
 * slow proxy: or SQL table in the transport-table latency benchmark. Postfix's socketmap client
 * sends the netstring "<name> <key>"; the server answers "OK <value>" or "NOTFOUND ".
 * Requests on one connection are answered in order; connections are independent (as separate
 * proxymap or SQL server processes would be). The delay is kept precisely even below timer
 * resolution: a timer for most of it, then a setImmediate spin to the deadline.
 * Every lookup's actual added delay is recorded.
 */
import net from 'node:net';
import { chmodSync, rmSync } from 'node:fs';

export interface SocketmapServer {
  readonly path: string;
  /** Lookups answered so far. */
  readonly lookups: number;
  /** Mean measured delay added per lookup (ms). */
  meanDelayMs(): number;
  close(): Promise<void>;
}

export function preciseDelay(ms: number): Promise<void> {
  if (ms <= 0) return Promise.resolve();
  const end = performance.now() + ms;
  return new Promise((resolve) => {
    const spin = () => (performance.now() >= end ? resolve() : setImmediate(spin));
    if (ms >= 2) setTimeout(spin, ms - 1.5);
    else setImmediate(spin);
  });
}

/** Encode one netstring. */
export function netstring(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length}:`), body, Buffer.from(',')]);
}

/** Split complete netstrings off the front of `buf`; returns them and the unused rest. */
export function parseNetstrings(buf: Buffer): { items: string[]; rest: Buffer } {
  const items: string[] = [];
  let pos = 0;
  for (;;) {
    const colon = buf.indexOf(0x3a, pos);
    if (colon < 0) break;
    const len = Number(buf.subarray(pos, colon).toString('latin1'));
    if (!Number.isInteger(len) || len < 0) throw new Error('malformed netstring length');
    if (buf.length < colon + 1 + len + 1) break;
    if (buf[colon + 1 + len] !== 0x2c) throw new Error('netstring without trailing comma');
    items.push(buf.subarray(colon + 1, colon + 1 + len).toString('utf8'));
    pos = colon + 1 + len + 1;
  }
  return { items, rest: buf.subarray(pos) };
}

/**
 * Serve `lookup(name, key)` (null = NOTFOUND) at the Unix socket `path` (mode 0666, so
 * Postfix's unprivileged daemons can connect), adding `delayMs` before each answer.
 */
export async function startSocketmapServer(
  path: string,
  delayMs: number,
  lookup: (name: string, key: string) => string | null,
): Promise<SocketmapServer> {
  let lookups = 0;
  let delaySum = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let pending: Buffer = Buffer.alloc(0);
    let chain = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      let parsed;
      try {
        parsed = parseNetstrings(Buffer.concat([pending, chunk]));
      } catch {
        socket.destroy();
        return;
      }
      pending = parsed.rest;
      for (const request of parsed.items) {
        chain = chain.then(async () => {
          const space = request.indexOf(' ');
          const [name, key] = space < 0 ? [request, ''] : [request.slice(0, space), request.slice(space + 1)];
          const t0 = performance.now();
          await preciseDelay(delayMs);
          delaySum += performance.now() - t0;
          lookups++;
          const value = lookup(name, key);
          if (!socket.destroyed) socket.write(netstring(value === null ? 'NOTFOUND ' : `OK ${value}`));
        });
      }
    });
  });
  rmSync(path, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  chmodSync(path, 0o666);
  return {
    path,
    get lookups() {
      return lookups;
    },
    meanDelayMs: () => (lookups === 0 ? 0 : delaySum / lookups),
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(path, { force: true });
    },
  };
}
