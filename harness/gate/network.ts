/**
 * The gate's private network: a DNS server and one capture peer (sink) per destination host,
 * all on loopback addresses of one randomly chosen 127.A.B.0/24 (so concurrent gate runs do
 * not collide, and nothing is ever on 127.0.0.1, which the instance itself listens on).
 *
 *   127.A.B.1:53   the DNS server (UDP and TCP)
 *   127.A.B.10…    a sink on port 25 for each host name the instance asks an A record for
 *
 * Every name exists: an MX query for D answers "MX 10 D", an A query for H starts (once) a
 * sink for H and answers its address. So relayhost names, transport nexthops and MX routing
 * are resolved exactly as configured, and each delivery arrives at the sink of the host it was
 * meant for. PTR and other types get NXDOMAIN / empty answers.
 *
 * `namespaceFiles()` writes the resolv.conf and hosts the instance's mount namespace sees, and
 * `wrapMaster()` turns master's command into one that runs it in that namespace.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSink, type Sink } from '../sink/sink.ts';
import { startDnsServer, type DnsRecord, type DnsServer } from './dns.ts';

export interface Peer {
  /** The host name the instance looked up (lower case). */
  host: string;
  address: string;
  sink: Sink;
}

export interface GateNetwork {
  readonly dns: DnsServer;
  /** Peers started so far, by host name. */
  peers(): Peer[];
  /** The peer for a host name, started on first use. */
  peerFor(host: string): Promise<Peer>;
  /** The peer listening on `address`, if any. */
  peerAt(address: string): Peer | undefined;
  /**
   * DNS block/allow list zones (reject_rbl_client, postscreen_dnsbl_sites, …): names below
   * them get NXDOMAIN, i.e. "not listed", instead of a peer address that would read as a hit.
   */
  setListZones(zones: string[]): void;
  /** Write resolv.conf and hosts for the namespace into `dir`; returns their paths. */
  namespaceFiles(dir: string): { resolvConf: string; hosts: string };
  close(): Promise<void>;
}

const FIRST_PEER = 10;

export async function startGateNetwork(): Promise<GateNetwork> {
  const byHost = new Map<string, Promise<Peer>>();
  const started: Peer[] = [];
  let prefix = '';
  let next = FIRST_PEER;

  const peerFor = (host: string): Promise<Peer> => {
    const key = host.toLowerCase().replace(/\.$/, '');
    let p = byHost.get(key);
    if (!p) {
      if (next > 254) return Promise.reject(new Error('gate network: more than 245 destination hosts'));
      const address = `${prefix}.${next++}`;
      p = createSink({ host: address, port: 25, hostname: key }).then((sink) => {
        const peer = { host: key, address, sink };
        started.push(peer);
        return peer;
      });
      byHost.set(key, p);
    }
    return p;
  };

  let zones: string[] = [];
  const listed = (name: string) => zones.some((z) => name.endsWith(`.${z}`)) || /^(\d{1,3}\.){4}/.test(name) || /^([0-9a-f]\.){32}/.test(name);
  const lookup = async (name: string, type: string): Promise<DnsRecord[] | 'nxdomain'> => {
    // Reverse lookups, single labels, and DNS list queries (a reversed address or a name
    // below a list zone) do not exist.
    if (type === 'PTR' || !name.includes('.') || listed(name)) return 'nxdomain';
    if (type === 'MX') return [{ type: 'MX', preference: 10, exchange: name }];
    if (type === 'A') return [{ type: 'A', address: (await peerFor(name)).address }];
    return [];
  };

  let dns: DnsServer | undefined;
  let lastError: unknown;
  for (let attempt = 0; attempt < 8 && !dns; attempt++) {
    prefix = `127.${100 + Math.floor(Math.random() * 150)}.${1 + Math.floor(Math.random() * 250)}`;
    try {
      dns = await startDnsServer(`${prefix}.1`, 53, lookup);
    } catch (err) {
      lastError = err; // the address is taken by a concurrent run: pick another
    }
  }
  if (!dns) throw new Error(`gate network: cannot start the DNS server on a 127.x.y.1:53 address: ${String(lastError)}`);
  const server = dns;

  return {
    dns: server,
    peers: () => [...started],
    peerFor,
    peerAt: (address) => started.find((p) => p.address === address),
    setListZones(z) {
      zones = z.map((x) => x.toLowerCase().replace(/^\.|\.$/g, ''));
    },
    namespaceFiles(dir) {
      const resolvConf = join(dir, 'resolv.conf');
      const hosts = join(dir, 'hosts');
      writeFileSync(resolvConf, `# twinpost gate: every lookup goes to the harness's DNS server\nnameserver ${server.host}\noptions attempts:1 timeout:2\n`);
      writeFileSync(hosts, '127.0.0.1\tlocalhost\n');
      return { resolvConf, hosts };
    },
    async close() {
      await server.close();
      const all = await Promise.allSettled([...byHost.values()]);
      for (const r of all) if (r.status === 'fulfilled') await r.value.sink.close();
    },
  };
}

/**
 * master's argv, run inside a private mount namespace in which /etc/resolv.conf and
 * /etc/hosts are the given files. The namespace lives as long as the processes in it: it goes
 * away with the instance, nothing to unmount.
 */
export function namespaceWrapper(files: { resolvConf: string; hosts: string }): (argv: string[]) => string[] {
  return (argv) => [
    '/usr/bin/unshare',
    '--mount',
    '--propagation',
    'private',
    '--',
    '/bin/sh',
    '-c',
    'mount --bind "$1" /etc/resolv.conf && mount --bind "$2" /etc/hosts && shift 2 && exec "$@"',
    'twinpost-gate-ns',
    files.resolvConf,
    files.hosts,
    ...argv,
  ];
}
