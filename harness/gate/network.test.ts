/**
 * The gate's network: its DNS server answers MX/A with a capture peer per host (over UDP, as
 * glibc asks, and over TCP), and the peer really listens on port 25 of that address.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { startGateNetwork, type GateNetwork } from './network.ts';
import { sendMessage } from '../smtp/send.ts';

let gate: GateNetwork | undefined;
afterEach(async () => {
  await gate?.close();
  gate = undefined;
});

function resolver(g: GateNetwork): Resolver {
  const r = new Resolver({ timeout: 2000, tries: 1 });
  r.setServers([`${g.dns.host}:${g.dns.port}`]);
  return r;
}

/** One query over TCP (2-byte length prefix), answered with the raw response. */
function tcpQuery(host: string, name: string, qtype: number): Promise<Buffer> {
  const labels = name.split('.').map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l)]));
  const q = Buffer.concat([Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]), ...labels, Buffer.from([0, 0, qtype, 0, 1])]);
  const len = Buffer.from([q.length >> 8, q.length & 0xff]);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port: 53 }, () => sock.write(Buffer.concat([len, q])));
    let buf = Buffer.alloc(0);
    sock.on('data', (d) => {
      buf = Buffer.concat([buf, d]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        sock.end();
        resolve(buf.subarray(2));
      }
    });
    sock.on('error', reject);
  });
}

describe('gate network', () => {
  it('answers MX with the domain itself and A with one peer address per host', async () => {
    gate = await startGateNetwork();
    const r = resolver(gate);
    expect(await r.resolveMx('Corp.Example')).toEqual([{ exchange: 'corp.example', priority: 10 }]);
    const [a1] = await r.resolve4('crm.corp.example');
    const [a2] = await r.resolve4('smarthost.isp.example');
    const [again] = await r.resolve4('CRM.corp.example');
    expect(a1).toMatch(/^127\.\d+\.\d+\.10$/);
    expect(a2).toMatch(/^127\.\d+\.\d+\.11$/);
    expect(again).toBe(a1);
    expect(gate.peers().map((p) => p.host)).toEqual(['crm.corp.example', 'smarthost.isp.example']);
    expect(await r.resolve6('crm.corp.example').catch((e: { code: string }) => e.code)).toBe('ENODATA');
    expect(await r.reverse(a1!).catch((e: { code: string }) => e.code)).toBe('ENOTFOUND');
    expect(await r.resolve4('nodots').catch((e: { code: string }) => e.code)).toBe('ENOTFOUND');
    expect(gate.dns.asked).toContain('MX corp.example');
  });

  it('answers DNS list queries "not listed"', async () => {
    gate = await startGateNetwork();
    gate.setListZones(['dbl.example.org', 'zen.spamhaus.org']);
    const r = resolver(gate);
    const code = (p: Promise<unknown>) => p.then(() => 'found', (e: { code: string }) => e.code);
    expect(await code(r.resolve4('9.113.0.203.zen.spamhaus.org'))).toBe('ENOTFOUND');
    expect(await code(r.resolve4('2.0.0.127.bl.unlisted.example'))).toBe('ENOTFOUND'); // a reversed address
    expect(await code(r.resolve4('spammer.example.dbl.example.org'))).toBe('ENOTFOUND');
    expect(await code(r.resolve4('dbl.example.org.mx.example'))).toBe('found');
    expect(gate.peers().map((p) => p.host)).toEqual(['dbl.example.org.mx.example']);
  });

  it('answers over TCP as well', async () => {
    gate = await startGateNetwork();
    const res = await tcpQuery(gate.dns.host, 'mx.partner.example', 1);
    expect(res.readUInt16BE(0)).toBe(0x1234);
    expect(res.readUInt16BE(2) & 0x800f).toBe(0x8000); // a response, NOERROR
    expect(res.readUInt16BE(6)).toBe(1); // one answer
    expect([...res.subarray(res.length - 4)].join('.')).toBe(gate.peers()[0]!.address);
  });

  it('starts a capture peer on port 25 of the address it hands out', async () => {
    gate = await startGateNetwork();
    const [addr] = await resolver(gate).resolve4('gw.partner.example');
    const sent = await sendMessage({ host: addr!, port: 25, from: 'a@corp.example', to: ['b@partner.example'], data: 'Subject: t\n\nhi\n' });
    expect(sent.accepted).toBe(true);
    const peer = gate.peerAt(addr!)!;
    expect(peer.host).toBe('gw.partner.example');
    expect((await peer.sink.waitForTransactions(1, 5000))[0]!.rcptTo).toEqual(['b@partner.example']);
  });
});
