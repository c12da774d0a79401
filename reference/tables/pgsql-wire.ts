/**
 * The client side of PostgreSQL's frontend/backend protocol (version 3), as much of it as
 * pgsql: tables need: what Postfix's dict_pgsql does through libpq with PQsetdbLogin and PQexec.
 *
 * - Connect over TCP or a UNIX socket (<dir>/.s.PGSQL.<port>), send the startup message, and
 *   answer the server's authentication request: none (trust), cleartext password, MD5, or
 *   SASL SCRAM-SHA-256 (RFC 5802/7677, without channel binding), whose final server
 *   signature is checked.
 * - Simple queries only (a 'Q' message, no parameters; dict_pgsql quotes the key into the
 *   query text itself): the rows come back as arrays of field values, each the bytes of the
 *   text form as a Latin-1 string (one character per byte, as the other file-backed tables
 *   hand values over), or null for SQL NULL.
 * - A server error is a PgError with its SQLSTATE; a broken connection fails the query in
 *   flight and every later one (the table then reconnects).
 *
 * Queries are answered in order; a second query waits for the first (dict_pgsql asks one at a
 * time too).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import net from 'node:net';

export interface PgConnectOptions {
  /** A host name or address for TCP, or a directory holding the server's UNIX socket. */
  host: string;
  port: number;
  user: string;
  password: string;
  database: string;
  timeoutMs: number;
}

export type PgRow = (string | null)[];

/** An error the server reported (ErrorResponse): `code` is the SQLSTATE. */
export class PgError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
  }
}

const PROTOCOL_3_0 = 196608;

/** Outgoing message: type byte (none for the startup message), length, body. */
function message(type: string | null, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(type === null ? 4 : 5);
  if (type !== null) head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, type === null ? 0 : 1);
  return Buffer.concat([head, body]);
}

const cstring = (s: string, encoding: BufferEncoding = 'utf8') => Buffer.from(`${s}\0`, encoding);
const int32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
};

interface Incoming {
  type: string;
  body: Buffer;
}

/** ErrorResponse/NoticeResponse fields: a type byte and a C string each. */
function errorFields(body: Buffer): Map<string, string> {
  const fields = new Map<string, string>();
  for (let i = 0; i < body.length && body[i] !== 0; ) {
    const end = body.indexOf(0, i + 1);
    fields.set(String.fromCharCode(body[i]!), body.toString('utf8', i + 1, end));
    i = end + 1;
  }
  return fields;
}

function pgError(body: Buffer): PgError {
  const f = errorFields(body);
  return new PgError(`${f.get('S') ?? 'ERROR'}: ${f.get('M') ?? 'unknown error'}`, f.get('C') ?? '');
}

export class PgConnection {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly queue: Incoming[] = [];
  private waiting?: { resolve: (m: Incoming) => void; reject: (e: Error) => void };
  private broken?: Error;
  private busy: Promise<unknown> = Promise.resolve();

  private constructor(private readonly socket: net.Socket) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', (e) => this.fail(new Error(`connection: ${e.message}`)));
    socket.on('close', () => this.fail(new Error('connection closed by the server')));
  }

  static async connect(o: PgConnectOptions): Promise<PgConnection> {
    const socket = o.host.startsWith('/') ? net.connect(`${o.host}/.s.PGSQL.${o.port}`) : net.connect(o.port, o.host);
    const conn = new PgConnection(socket);
    const timer = setTimeout(() => socket.destroy(new Error(`timed out after ${o.timeoutMs} ms`)), o.timeoutMs);
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      socket.write(message(null, int32(PROTOCOL_3_0), cstring('user'), cstring(o.user), cstring('database'), cstring(o.database || o.user), Buffer.from([0])));
      await conn.authenticate(o);
      for (let m = await conn.next(); m.type !== 'Z'; m = await conn.next()) {
        if (m.type === 'E') throw pgError(m.body);
      }
      return conn;
    } catch (e) {
      conn.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Run one simple query; its rows, every field as text (Latin-1 bytes) or null. */
  query(sql: string): Promise<PgRow[]> {
    const run = this.busy.then(() => this.simpleQuery(sql));
    // The caller gets this query's error through `run`; the next query waits only for it to end.
    this.busy = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.fail(new Error('connection closed'));
    this.socket.destroy();
  }

  private async simpleQuery(sql: string): Promise<PgRow[]> {
    if (this.broken) throw this.broken;
    this.socket.write(message('Q', Buffer.from(`${sql}\0`, 'latin1')));
    const rows: PgRow[] = [];
    let error: PgError | undefined;
    for (let m = await this.next(); m.type !== 'Z'; m = await this.next()) {
      if (m.type === 'D') rows.push(dataRow(m.body));
      else if (m.type === 'E') error = pgError(m.body);
    }
    if (error) throw error;
    return rows;
  }

  private async authenticate(o: PgConnectOptions): Promise<void> {
    let scram: Scram | undefined;
    for (;;) {
      const m = await this.next();
      if (m.type === 'E') throw pgError(m.body);
      if (m.type !== 'R') throw new Error(`unexpected message '${m.type}' during authentication`);
      const code = m.body.readInt32BE(0);
      if (code === 0) return; // AuthenticationOk
      if (code === 3) this.socket.write(message('p', cstring(o.password)));
      else if (code === 5) {
        const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
        const inner = md5(o.password + o.user);
        this.socket.write(message('p', cstring(`md5${md5(Buffer.concat([Buffer.from(inner), m.body.subarray(4, 8)]))}`)));
      } else if (code === 10) {
        const mechanisms = m.body.toString('utf8', 4).split('\0');
        if (!mechanisms.includes('SCRAM-SHA-256')) throw new Error(`no supported SASL mechanism among: ${mechanisms.filter(Boolean).join(', ')}`);
        scram = new Scram(o.password);
        const first = Buffer.from(scram.clientFirst());
        this.socket.write(message('p', cstring('SCRAM-SHA-256'), int32(first.length), first));
      } else if (code === 11 && scram) {
        this.socket.write(message('p', Buffer.from(scram.clientFinal(m.body.toString('utf8', 4)))));
      } else if (code === 12 && scram) {
        scram.checkServerFinal(m.body.toString('utf8', 4));
      } else {
        throw new Error(`unsupported authentication request ${code}`);
      }
    }
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    let at = 0;
    while (this.buffered.length - at >= 5) {
      const len = this.buffered.readInt32BE(at + 1);
      if (this.buffered.length - at < len + 1) break;
      const m = { type: String.fromCharCode(this.buffered[at]!), body: this.buffered.subarray(at + 5, at + 1 + len) };
      at += len + 1;
      if (m.type === 'N' || m.type === 'S' || m.type === 'K' || m.type === 'A') continue; // notices, parameters, key, notifications
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = undefined;
        w.resolve(m);
      } else this.queue.push(m);
    }
    this.buffered = this.buffered.subarray(at);
  }

  private next(): Promise<Incoming> {
    const m = this.queue.shift();
    if (m) return Promise.resolve(m);
    if (this.broken) return Promise.reject(this.broken);
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  private fail(e: Error): void {
    this.broken ??= e;
    const w = this.waiting;
    this.waiting = undefined;
    w?.reject(this.broken);
  }
}

function dataRow(body: Buffer): PgRow {
  const n = body.readInt16BE(0);
  const row: PgRow = [];
  for (let i = 0, at = 2; i < n; i++) {
    const len = body.readInt32BE(at);
    at += 4;
    if (len < 0) row.push(null);
    else {
      row.push(body.toString('latin1', at, at + len));
      at += len;
    }
  }
  return row;
}

/** SCRAM-SHA-256 client exchange (RFC 5802 with SHA-256, RFC 7677); no channel binding. */
class Scram {
  private readonly nonce = randomBytes(18).toString('base64');
  private readonly firstBare = `n=,r=${this.nonce}`;
  private serverSignature?: Buffer;

  constructor(private readonly password: string) {}

  clientFirst(): string {
    return `n,,${this.firstBare}`;
  }

  clientFinal(serverFirst: string): string {
    const attr = new Map(serverFirst.split(',').map((kv) => [kv[0]!, kv.slice(2)] as const));
    const nonce = attr.get('r') ?? '';
    const salt = Buffer.from(attr.get('s') ?? '', 'base64');
    const iterations = Number(attr.get('i'));
    if (!nonce.startsWith(this.nonce) || !salt.length || !(iterations > 0)) throw new Error('SCRAM: malformed server-first message');
    const hmac = (key: Buffer, text: string) => createHmac('sha256', key).update(text).digest();
    const salted = pbkdf2Sync(this.password, salt, iterations, 32, 'sha256');
    const clientKey = hmac(salted, 'Client Key');
    const storedKey = createHash('sha256').update(clientKey).digest();
    const withoutProof = `c=biws,r=${nonce}`;
    const authMessage = `${this.firstBare},${serverFirst},${withoutProof}`;
    const signature = hmac(storedKey, authMessage);
    const proof = Buffer.from(clientKey.map((b, i) => b ^ signature[i]!));
    this.serverSignature = hmac(hmac(salted, 'Server Key'), authMessage);
    return `${withoutProof},p=${proof.toString('base64')}`;
  }

  checkServerFinal(serverFinal: string): void {
    const v = /(?:^|,)v=([^,]*)/.exec(serverFinal)?.[1];
    const got = Buffer.from(v ?? '', 'base64');
    if (!this.serverSignature || got.length !== this.serverSignature.length || !timingSafeEqual(got, this.serverSignature)) {
      throw new Error('SCRAM: the server signature does not match');
    }
  }
}
