/**
 * createSink(): an SMTP server on a loopback address standing for a remote mail server.
 * The mail system under test delivers to it (relayhost / transport nexthop `sink.relay`);
 * it records every connection, envelope and message byte (types.ts), plays scripted faults,
 * and can go down (connection refused, port kept) and come back up on the same port.
 * Tests and scenarios wait on it by event: waitForTransactions(), waitForConnections().
 */
import net from 'node:net';
import { EventEmitter } from 'node:events';
import { FaultBook } from './faults.ts';
import { SinkSession } from './session.ts';
import type { SinkConnection, SinkFault, SinkOptions, SinkTransaction } from './types.ts';

export const DEFAULT_EXTENSIONS = ['PIPELINING', 'SIZE 10240000', '8BITMIME', 'ENHANCEDSTATUSCODES', 'SMTPUTF8'];

export interface Sink {
  readonly endpoint: { host: string; port: number };
  /** "[host]:port", for relayhost or a transport's nexthop. */
  readonly relay: string;
  /** True while the sink accepts connections. */
  readonly isUp: boolean;
  /** Every connection so far (open or closed), in order of arrival. */
  connections(): SinkConnection[];
  /** Accepted transactions (2xx after DATA) over all connections, in order. */
  transactions(): SinkTransaction[];
  /** True when `id` is one this sink gave in a "queued as" reply (it is not the mail system's). */
  issued(id: string): boolean;
  /** Resolves with the accepted transactions once there are at least `n`. */
  waitForTransactions(n: number, timeoutMs?: number): Promise<SinkTransaction[]>;
  /** Resolves with the connections once at least `n` have been opened. */
  waitForConnections(n: number, timeoutMs?: number): Promise<SinkConnection[]>;
  /** Resolves once at least `n` connections have been opened and all of those have closed. */
  waitForClosed(n: number, timeoutMs?: number): Promise<SinkConnection[]>;
  /** Replace the fault script (use counters restart). Applies to new stages of open sessions too. */
  setFaults(faults: SinkFault[]): void;
  /** Stop listening (new connections are refused) and drop open sessions; the port is kept for up(). */
  down(): Promise<void>;
  /** Listen again on the same address and port. */
  up(): Promise<void>;
  /** Close the listener and every session. Safe to call more than once. */
  close(): Promise<void>;
}

class SmtpSink implements Sink {
  readonly endpoint: { host: string; port: number };
  private server: net.Server | undefined;
  private readonly sessions = new Set<SinkSession>();
  private readonly all: SinkConnection[] = [];
  private readonly faults: FaultBook;
  private readonly events = new EventEmitter();
  private queueSeq = 0;
  private readonly issuedIds = new Set<string>();

  constructor(private readonly opts: SinkOptions) {
    this.endpoint = { host: opts.host ?? '127.0.0.1', port: opts.port ?? 0 };
    this.faults = new FaultBook(opts.faults);
    this.events.setMaxListeners(0);
  }

  get relay(): string {
    return `[${this.endpoint.host}]:${this.endpoint.port}`;
  }

  get isUp(): boolean {
    return this.server !== undefined;
  }

  connections(): SinkConnection[] {
    return [...this.all];
  }

  transactions(): SinkTransaction[] {
    return this.all.flatMap((c) => c.transactions.filter((t) => t.accepted));
  }

  waitForTransactions(n: number, timeoutMs = 30_000): Promise<SinkTransaction[]> {
    return this.waitFor(() => this.transactions().length >= n, () => this.transactions(), timeoutMs, `${n} accepted transaction(s)`);
  }

  waitForConnections(n: number, timeoutMs = 30_000): Promise<SinkConnection[]> {
    return this.waitFor(() => this.all.length >= n, () => this.connections(), timeoutMs, `${n} connection(s)`);
  }

  waitForClosed(n: number, timeoutMs = 30_000): Promise<SinkConnection[]> {
    const done = () => this.all.length >= n && this.all.every((c) => c.closedAt !== undefined);
    return this.waitFor(done, () => this.connections(), timeoutMs, `${n} closed connection(s)`);
  }

  setFaults(faults: SinkFault[]): void {
    this.faults.set(faults);
  }

  async up(): Promise<void> {
    if (this.server) return;
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.endpoint.host, port: this.endpoint.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.endpoint.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const gone = this.dropAll();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    await gone;
  }

  close(): Promise<void> {
    return this.down();
  }

  /** A short description of everything recorded, for timeout errors. */
  describe(): string {
    if (this.all.length === 0) return '  (no connections)';
    return this.all.map(describeConnection).join('\n');
  }

  private accept(socket: net.Socket): void {
    const conn: SinkConnection = {
      id: this.all.length + 1,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      transactions: [],
      commands: [],
      commandBatches: [],
      openedAt: Date.now(),
    };
    this.all.push(conn);
    const session = new SinkSession(socket, conn, {
      hostname: this.opts.hostname ?? 'sink.twinpost.test',
      extensions: this.opts.extensions ?? DEFAULT_EXTENSIONS,
      tls: this.opts.tls,
      faults: this.faults,
      nextQueueId: () => this.nextQueueId(),
      changed: () => this.events.emit('change'),
    });
    this.sessions.add(session);
    socket.once('close', () => this.sessions.delete(session));
    this.events.emit('change');
    void session.start();
  }

  /** Queue IDs look like Postfix's (hex) and differ between sinks on different ports. */
  private nextQueueId(): string {
    this.queueSeq++;
    const id = (this.endpoint.port.toString(16).padStart(4, '0') + this.queueSeq.toString(16).padStart(6, '0')).toUpperCase();
    this.issuedIds.add(id);
    return id;
  }

  issued(id: string): boolean {
    return this.issuedIds.has(id);
  }

  private dropAll(): Promise<void> {
    const open = [...this.sessions].filter((s) => s.conn.closedAt === undefined);
    for (const s of open) s.drop();
    return this.waitFor(() => open.every((s) => s.conn.closedAt !== undefined), () => undefined, 5_000, 'sessions to close').then(
      () => undefined,
    );
  }

  private waitFor<T>(done: () => boolean, result: () => T, timeoutMs: number, what: string): Promise<T> {
    if (done()) return Promise.resolve(result());
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!done()) return;
        cleanup();
        resolve(result());
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(`sink ${this.relay}: timed out after ${timeoutMs} ms waiting for ${what}; it recorded:\n${this.describe()}`),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.events.off('change', check);
      };
      this.events.on('change', check);
    });
  }
}

function describeConnection(c: SinkConnection): string {
  const head =
    `  connection #${c.id} from ${c.remoteAddress}:${c.remotePort} ${c.heloVerb ?? 'no-helo'} ${c.helo ?? ''}` +
    ` ${c.closedAt === undefined ? 'open' : `closed by ${c.closedBy}`}`;
  const txs = c.transactions.map((t) => {
    const rejected = t.rejectedRcpts.map((r) => `${r.address} (${r.reply})`).join(', ');
    return (
      `    MAIL FROM:<${t.mailFrom}> RCPT ${t.rcptTo.map((r) => `<${r}>`).join(' ') || '-'}` +
      (rejected ? ` rejected ${rejected}` : '') +
      ` → ${t.accepted ? 'accepted' : 'not accepted'}${t.dataReply ? ` (${t.dataReply})` : ''}`
    );
  });
  const cmds = `    commands: ${c.commands.slice(-12).join(' | ')}`;
  return [head, ...txs, cmds].join('\n');
}

/** Start a sink; it listens at once unless `opts.down` (then the port is reserved and up() opens it). */
export async function createSink(opts: SinkOptions = {}): Promise<Sink> {
  const sink = new SmtpSink(opts);
  await sink.up();
  if (opts.down) await sink.down();
  return sink;
}

/** A copy of connection records as they are now (a sink keeps changing its own while sessions end). */
export function copyConnections(conns: SinkConnection[]): SinkConnection[] {
  return conns.map((c) => ({
    ...c,
    commands: [...c.commands],
    ...(c.commandBatches ? { commandBatches: c.commandBatches.map((b) => [...b]) } : {}),
    transactions: c.transactions.map((t) => ({
      ...t,
      mailParams: [...t.mailParams],
      rcptTo: [...t.rcptTo],
      rejectedRcpts: t.rejectedRcpts.map((r) => ({ ...r })),
      ...(t.data ? { data: Buffer.from(t.data) } : {}),
    })),
  }));
}
