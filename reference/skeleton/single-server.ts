/**
 * The single_server process model (single_server(3)): one client at a time per server process.
 * Node runs every "process" in one event loop, so the reference keeps the model's contract
 * instead: one handler call per client, with nothing shared between two clients but what the
 * daemon shares on purpose.
 *   singleServer(session)        a listener that runs `session` for each accepted connection
 *                                and destroys the open ones at close() (smtpd's sessions);
 *   inetDaemon(create)           an `inet` master.cf entry: a listener per address the entry's
 *                                service name stands for ("[host]:port", "host:port", "port",
 *                                on every $inet_interfaces address);
 *   deliveryAgentDaemon(create)  a delivery agent (`unix` entry): its requests come from qmgr
 *                                in-process, so it is registered with qmgr under the entry's
 *                                service name (services.registerAgent) instead of listening.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { DeliveryAgent } from '../services/contracts.ts';
import { logServiceName, type Daemon, type DaemonContext } from './daemon.ts';

export interface SingleServer {
  server: Server;
  /** Serve one already-connected socket (tests, fd hand-over). */
  handle(socket: Socket): Promise<void>;
  close(): Promise<void>;
}

/** A listener (not yet listening) that runs `session` once per connection. */
export function singleServer(session: (socket: Socket) => Promise<void>): SingleServer {
  const sockets = new Set<Socket>();
  const handle = async (socket: Socket): Promise<void> => {
    sockets.add(socket);
    socket.on('error', () => undefined); // the session sees the end of its input
    try {
      await session(socket);
    } finally {
      sockets.delete(socket);
    }
  };
  const server = createServer((socket) => void handle(socket));
  return {
    server,
    handle,
    close: () => new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
      if (!server.listening) resolve();
    }),
  };
}

/** Ports of the service names master.cf uses instead of numbers. */
const SERVICE_PORTS: Readonly<Record<string, number>> = { smtp: 25, submission: 587, submissions: 465 };

/** "[host]:port", "host:port" or "port" of an inet service name; without a host, every inet_interfaces address. */
export function inetEndpoint(service: string, inetInterfaces: string[]): { host: string; port: number }[] {
  const m = /^(?:\[?([^\]]*)\]?:)?([^:]+)$/.exec(service);
  const portText = m?.[2] ?? service;
  const port = /^\d+$/.test(portText) ? Number(portText) : SERVICE_PORTS[portText] ?? NaN;
  if (Number.isNaN(port)) throw new Error(`master.cf: unknown port "${portText}"`);
  if (m?.[1]) return [{ host: m[1], port }];
  const hosts = inetInterfaces.flatMap((i) => (i === 'all' ? ['0.0.0.0'] : i === 'loopback-only' ? ['127.0.0.1'] : [i]));
  return hosts.map((host) => ({ host, port }));
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

/** An `inet` service opened for one master.cf entry. */
export interface InetService {
  /** A server for one listening address (smtpd: one per address, as before). */
  newServer(): SingleServer;
  /** What the entry holds besides its listeners (tables), released after them. */
  release?(): Promise<void>;
}

/**
 * An `inet` daemon: `open` prepares the service for the entry, the skeleton listens with a
 * server of it on each address and closes them all at close().
 */
export function inetDaemon<S>(open: (ctx: DaemonContext<S>) => InetService): Daemon<S> {
  return {
    types: ['inet'],
    async start(ctx) {
      const service = open(ctx);
      const servers: SingleServer[] = [];
      for (const ep of inetEndpoint(ctx.entry.service, ctx.config.list('inet_interfaces'))) {
        const s = service.newServer();
        await listen(s.server, ep.port, ep.host);
        servers.push(s);
      }
      return {
        async close() {
          await Promise.all(servers.map((s) => s.close()));
          await service.release?.();
        },
      };
    },
  };
}

/** What a delivery agent daemon needs from master: a place to register with qmgr. */
export interface AgentServices {
  /**
   * Make `agent` qmgr's agent for its transport; `release` runs once qmgr has stopped;
   * `logService` is what the agent logs as (its program, with a syslog_name override);
   * `processLimit` is the entry's maxproc (0: no limit), which caps the agent's deliveries at once.
   */
  registerAgent(agent: DeliveryAgent, release?: () => Promise<void>, logService?: string, processLimit?: number): void;
}

/** A delivery agent made for one master.cf entry, with what it holds (caches, tables). */
export interface AgentInstance {
  agent: DeliveryAgent;
  release?(): Promise<void>;
}

/**
 * A delivery agent daemon (`unix` entry): `create` makes the agent for the entry (its transport
 * is the entry's service name); it serves qmgr's requests until qmgr has stopped.
 */
export function deliveryAgentDaemon<S extends AgentServices>(create: (ctx: DaemonContext<S>) => AgentInstance): Daemon<S> {
  return {
    types: ['unix'],
    async start(ctx) {
      const { agent, release } = create(ctx);
      ctx.services.registerAgent(agent, release, logServiceName(ctx.config, ctx.entry.command), ctx.entry.maxproc);
      return { close: async () => {} };
    },
  };
}
