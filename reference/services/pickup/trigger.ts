/**
 * Trigger sockets (mail_trigger.c / unix_trigger.c / trigger_server.c, re-expressed): the
 * one-way "wake up" pokes Postfix sends to public/pickup, public/qmgr and the like.
 *
 * Client (postdrop → pickup): connect to the socket, write the request bytes followed by one
 * NUL, and wait until the server closes (or a timeout). A missing or dead socket is not an
 * error for the caller: the service's periodic wake-up finds the work later.
 * Server (pickup): accept, read what arrives once, call the handler, close. No reply is sent.
 */
import { createConnection, createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';

/** Send a trigger; resolves true when the server took it, false when nobody listens. */
export function sendTrigger(socketPath: string, bytes = 'W', timeoutMs = 10_000): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection(socketPath);
    let sent = false;
    const timer = setTimeout(() => sock.destroy(), timeoutMs);
    sock.on('connect', () => {
      sent = true;
      sock.end(Buffer.from(`${bytes}\0`, 'latin1'));
    });
    sock.on('data', () => undefined);
    sock.on('error', () => undefined);
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(sent);
    });
  });
}

export interface TriggerServer {
  close(): Promise<void>;
}

/** Listen on `socketPath` (a stale socket file is replaced); `onTrigger` gets the request bytes. */
export async function serveTrigger(socketPath: string, onTrigger: (bytes: Buffer) => void): Promise<TriggerServer> {
  await rm(socketPath, { force: true });
  const server: Server = createServer((sock) => {
    let done = false;
    const finish = (data: Buffer) => {
      if (done) return;
      done = true;
      sock.end();
      onTrigger(data);
    };
    const timer = setTimeout(() => finish(Buffer.alloc(0)), 10_000);
    sock.once('data', (d) => { clearTimeout(timer); finish(d); });
    sock.once('end', () => { clearTimeout(timer); finish(Buffer.alloc(0)); });
    sock.on('error', () => clearTimeout(timer));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
