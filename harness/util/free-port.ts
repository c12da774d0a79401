/**
 * Free TCP ports for servers the harness starts (Postfix instances, reference MTAs, sinks,
 * PostgreSQL clusters).
 *
 * A port is chosen here and bound later by another program, so it must stay free in between.
 * Ports from the kernel's ephemeral range (ip_local_port_range) do not: every outgoing
 * connection on the machine (Postfix's smtp client, a test's SMTP driver) takes one from that
 * range, and a port handed out a moment before can be gone by the time Postfix binds it
 * ("bind 127.0.0.1 port N: Address already in use"). So ports come from below that range,
 * each process starting at its own random place in it and never handing out a port twice;
 * a port is handed out only after a test bind on it succeeded.
 *
 * Several harness processes run at once (vitest's workers, a campaign beside a test run), each
 * walking upward from its own start, and two of them can reach the same port between its test
 * bind and the real one. So a port is also reserved across processes before it is handed out:
 * a listening socket in Linux's abstract namespace named after the port (unix(7); it leaves no
 * file behind and the kernel drops it when the process dies), held for RESERVE_MS, long enough
 * for the program it is meant for to bind it.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';

/** The lowest port handed out: above the registered services most machines run. */
const LOWEST = 10_000;
/** The default ephemeral range when /proc does not say (Linux's default). */
const DEFAULT_EPHEMERAL_LOW = 32_768;

/** The first port of the kernel's ephemeral range. */
function ephemeralLow(): number {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const n = Number(low);
    return Number.isInteger(n) && n > LOWEST + 1000 ? n : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

const HIGHEST = ephemeralLow() - 1;
const SPAN = HIGHEST - LOWEST + 1;
/** Where this process goes next: a random start, then upward, wrapping. */
let next = LOWEST + Math.floor(Math.random() * SPAN);
const handedOut = new Set<number>();

/** How long a cross-process reservation is held: a start-up binds its ports well within it. */
const RESERVE_MS = 120_000;

/** The abstract unix socket that stands for a reservation of `port`. */
const reservationName = (port: number): string => `\0twinpost-port-${port}`;

/** Reserve `port` for this process for RESERVE_MS; false when another process holds it. */
function reserve(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv: Server = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(reservationName(port), () => {
      srv.unref();
      setTimeout(() => srv.close(), RESERVE_MS).unref();
      resolve(true);
    });
  });
}

/** Does a listen on host:port succeed right now? */
function canBind(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ port, host, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port outside the ephemeral range that was free a moment ago and that this process never gave before. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < SPAN; tries++) {
    const port = next;
    next = next >= HIGHEST ? LOWEST : next + 1;
    if (handedOut.has(port)) continue;
    if (!(await reserve(port))) continue;
    if (!(await canBind(port, host))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free TCP port on ${host} between ${LOWEST} and ${HIGHEST}`);
}
