/**
 * The trigger_server process model (trigger_server(3); mail_trigger.c / unix_trigger.c): the
 * one-way "wake up" pokes Postfix sends to public/pickup, public/qmgr and the like, and the
 * daemon that serves them (triggerServerDaemon: pickup).
 *
 * Client (postdrop → pickup): connect to the socket, write the request bytes followed by one
 * NUL, and wait until the server closes (or a timeout). A missing or dead socket is not an
 * error for the caller: the service's periodic wake-up finds the work later.
 * Server (pickup): accept, read what arrives once, call the handler, close. No reply is sent.
 * Used by postdrop and postqueue (sendTrigger) and by pickup (triggerServerDaemon).
 */
import { createConnection, createServer, type Server } from 'node:net';
import { rm } from 'node:fs/promises';
import type { MasterEntry } from '../config/index.ts';
import { entrySocket, type Daemon, type DaemonContext } from './daemon.ts';

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
    sock.on('error', () => undefined); // a connect error leaves `sent` false for the caller; a later one changes nothing
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

/** A service run in the trigger_server model: started once, woken by each trigger and by its timer. */
export interface TriggerService {
  start(): Promise<void>;
  wake(): void;
  stop(): Promise<void>;
}

/**
 * The trigger_server model as a daemon: the entry's socket ($queue_directory/public/<service>
 * for private = n) wakes the service on every trigger; so does a timer every master.cf "wakeup"
 * seconds (with a "?" suffix, only once the service was first triggered). The service's own
 * start() does its first pass.
 */
export function triggerServerDaemon<S>(create: (ctx: DaemonContext<S>) => TriggerService): Daemon<S> {
  return {
    types: ['unix', 'fifo'],
    async start(ctx) {
      const service = create(ctx);
      const timer = wakeupTimer(ctx.entry, () => service.wake());
      const server = await serveTrigger(entrySocket(ctx), () => {
        timer.triggered();
        service.wake();
      });
      await service.start();
      return {
        wake: () => service.wake(),
        async close() {
          timer.stop();
          await server.close();
          await service.stop();
        },
      };
    },
  };
}

/** master.cf's wakeup column: a periodic wake-up, started at once or (with "?") at the first trigger. */
function wakeupTimer(entry: MasterEntry, wake: () => void): { triggered(): void; stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  const begin = () => {
    if (timer || entry.wakeup <= 0) return;
    timer = setInterval(wake, entry.wakeup * 1000);
    timer.unref();
  };
  if (!entry.wakeupConditional) begin();
  return { triggered: begin, stop: () => clearInterval(timer) };
}
