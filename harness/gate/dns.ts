/**
 * A small authoritative DNS server for the gate (RFC 1035 wire format, UDP and TCP, one
 * question per query). The gate's Postfix runs in a mount namespace whose /etc/resolv.conf
 * names this server, so every MX and A lookup its smtp client (and smtpd's restrictions) makes
 * lands here, and the gate decides the answer: a capture peer's loopback address.
 *
 * The answers come from a `lookup` callback; this module only speaks the protocol. Queries it
 * cannot parse get FORMERR; a name the callback calls nonexistent gets NXDOMAIN; a type the
 * callback has no records for gets an empty NOERROR answer (NODATA).
 */
import dgram from 'node:dgram';
import net from 'node:net';

export type DnsRecord =
  | { type: 'A'; address: string }
  | { type: 'MX'; preference: number; exchange: string };

/** What to answer for (name, type): records, or 'nxdomain'. Names arrive lower-cased, without the final dot. */
export type DnsLookup = (name: string, type: string) => Promise<DnsRecord[] | 'nxdomain'>;

export interface DnsQuestion {
  id: number;
  flags: number;
  name: string;
  type: string;
  /** The raw question section, copied into the answer. */
  raw: Buffer;
}

const TYPES: Record<number, string> = { 1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 52: 'TLSA' };
const CODES: Record<string, number> = { A: 1, MX: 15 };

/** Parse the header and the first question of a query; undefined when it is not one. */
export function parseQuery(msg: Buffer): DnsQuestion | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) < 1) return undefined;
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    const len = msg[off];
    if (len === undefined || len > 63) return undefined; // no compression inside a question
    off++;
    if (len === 0) break;
    if (off + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', off, off + len));
    off += len;
  }
  if (off + 4 > msg.length) return undefined;
  const qtype = msg.readUInt16BE(off);
  return {
    id: msg.readUInt16BE(0),
    flags: msg.readUInt16BE(2),
    name: labels.join('.').toLowerCase(),
    type: TYPES[qtype] ?? `TYPE${qtype}`,
    raw: msg.subarray(12, off + 4),
  };
}

function encodeName(name: string): Buffer {
  const parts = name.split('.').filter(Boolean).map((l) => {
    const b = Buffer.from(l, 'latin1');
    return Buffer.concat([Buffer.from([b.length]), b]);
  });
  return Buffer.concat([...parts, Buffer.from([0])]);
}

function encodeRecord(rec: DnsRecord, ttl: number): Buffer {
  const rdata =
    rec.type === 'A'
      ? Buffer.from(rec.address.split('.').map(Number))
      : Buffer.concat([Buffer.from([rec.preference >> 8, rec.preference & 0xff]), encodeName(rec.exchange)]);
  const head = Buffer.alloc(12);
  head.writeUInt16BE(0xc00c, 0); // owner: a pointer to the question's name
  head.writeUInt16BE(CODES[rec.type]!, 2);
  head.writeUInt16BE(1, 4); // class IN
  head.writeUInt32BE(ttl, 6);
  head.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([head, rdata]);
}

/** Build the response to `q`: rcode 0 (answers), 1 (FORMERR) or 3 (NXDOMAIN). */
export function buildResponse(q: DnsQuestion, rcode: number, answers: DnsRecord[], ttl = 60): Buffer {
  const head = Buffer.alloc(12);
  head.writeUInt16BE(q.id, 0);
  // QR, the query's opcode and RD, AA and RA set, the rcode.
  head.writeUInt16BE(0x8000 | (q.flags & 0x7900) | 0x0400 | 0x0080 | rcode, 2);
  head.writeUInt16BE(1, 4);
  head.writeUInt16BE(answers.length, 6);
  return Buffer.concat([head, q.raw, ...answers.map((a) => encodeRecord(a, ttl))]);
}

export interface DnsServer {
  readonly host: string;
  readonly port: number;
  /** Every question asked so far ("MX corp.example"), in order, for reports. */
  readonly asked: string[];
  close(): Promise<void>;
}

/** Start a DNS server on host:port (UDP and TCP). */
export async function startDnsServer(host: string, port: number, lookup: DnsLookup): Promise<DnsServer> {
  const asked: string[] = [];
  const answer = async (msg: Buffer): Promise<Buffer | undefined> => {
    const q = parseQuery(msg);
    if (!q) return msg.length >= 12 ? formErr(msg) : undefined;
    asked.push(`${q.type} ${q.name}`);
    try {
      const r = await lookup(q.name, q.type);
      return r === 'nxdomain' ? buildResponse(q, 3, []) : buildResponse(q, 0, r.filter((x) => x.type === q.type));
    } catch {
      return buildResponse(q, 2, []); // SERVFAIL
    }
  };

  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, rinfo) => {
    void answer(msg).then((out) => out && udp.send(out, rinfo.port, rinfo.address));
  });
  await new Promise<void>((resolve, reject) => {
    udp.once('error', reject);
    udp.bind(port, host, () => {
      udp.off('error', reject);
      resolve();
    });
  });

  const sockets = new Set<net.Socket>();
  const tcp = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => sock.destroy());
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = buf.subarray(2, 2 + buf.readUInt16BE(0));
        buf = buf.subarray(2 + msg.length);
        void answer(Buffer.from(msg)).then((out) => {
          if (!out || sock.destroyed) return;
          const len = Buffer.alloc(2);
          len.writeUInt16BE(out.length);
          sock.write(Buffer.concat([len, out]));
        });
      }
    });
  });
  try {
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject);
      tcp.listen(port, host, () => {
        tcp.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    udp.close();
    throw err;
  }

  return {
    host,
    port,
    asked,
    close: async () => {
      for (const s of sockets) s.destroy();
      await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
    },
  };
}

function formErr(msg: Buffer): Buffer {
  const head = Buffer.from(msg.subarray(0, 12));
  head.writeUInt16BE(0x8000 | (head.readUInt16BE(2) & 0x7900) | 0x0080 | 1, 2);
  head.fill(0, 4, 12);
  return head;
}
