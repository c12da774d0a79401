/**
 * A generic attribute-protocol client for a Unix stream socket: connect, read and check the
 * server's protocol announcement, then send requests (one attribute list each) and receive one
 * reply list per request, in order — the clnt_stream / attr_clnt pattern of Postfix (§0.3).
 * Works against real Postfix daemons (private/rewrite, private/anvil …) and reference servers.
 */
import { connect, type Socket } from 'node:net';
import { AttrDecoder, AttrProtocolError, attrGet, encodeAttrs, type AttrEncoding, type AttrInput, type AttrList } from './attr.ts';

export interface AttrClientOptions {
  encoding?: AttrEncoding;
  /** Expected announcement; a mismatch fails the connect. Omit to accept any announcement. */
  protocol?: string;
  /** Per-operation timeout (connect, each reply). Default 10 s. */
  timeoutMs?: number;
}

type Waiter = { resolve: (l: AttrList) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class AttrClient {
  /** The announcement list as received (e.g. cleanup's also carries queue_id). */
  announcement: AttrList = [];
  private readonly decoder: AttrDecoder;
  private readonly waiters: Waiter[] = [];
  private readonly ready: AttrList[] = [];
  private failure: Error | null = null;

  private constructor(private readonly socket: Socket, private readonly options: AttrClientOptions) {
    this.decoder = new AttrDecoder(options.encoding ?? 'attr0');
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const list of this.decoder.push(chunk)) this.deliver(list);
      } catch (e) {
        this.fail(e as Error);
      }
    });
    socket.on('error', (e) => this.fail(e));
    socket.on('close', () => this.fail(new AttrProtocolError('connection closed by server')));
  }

  static async connect(path: string, options: AttrClientOptions = {}): Promise<AttrClient> {
    const socket = connect(path);
    const client = new AttrClient(socket, options);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      client.announcement = await client.next();
      const announced = attrGet(client.announcement, 'protocol');
      if (options.protocol !== undefined && announced !== options.protocol) {
        throw new AttrProtocolError(`protocol mismatch: expected ${options.protocol}, got ${announced}`);
      }
    } catch (e) {
      socket.destroy();
      throw e;
    }
    return client;
  }

  /** Send one request list and wait for its reply list. */
  async request(list: AttrInput): Promise<AttrList> {
    if (this.failure) throw this.failure;
    const reply = this.next();
    this.socket.write(encodeAttrs(list, this.options.encoding ?? 'attr0'));
    return reply;
  }

  close(): void {
    this.socket.destroy();
  }

  private next(): Promise<AttrList> {
    const ready = this.ready.shift();
    if (ready) return Promise.resolve(ready);
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new AttrProtocolError(`no reply within ${this.options.timeoutMs ?? 10_000} ms`));
        this.socket.destroy();
      }, this.options.timeoutMs ?? 10_000);
      this.waiters.push({ resolve, reject, timer });
    });
  }

  private deliver(list: AttrList): void {
    const w = this.waiters.shift();
    if (!w) {
      this.ready.push(list);
      return;
    }
    clearTimeout(w.timer);
    w.resolve(list);
  }

  private fail(e: Error): void {
    if (!this.failure) this.failure = e;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.reject(this.failure);
    }
  }
}
