/**
 * Bounded memory at the SMTP door (DESIGN §4: every buffer bounded by Postfix's limits).
 * Two floods against one reference MTA process (started as `twinpost mta` does, a separate
 * process, so its RSS is its own): 64 MiB of a command line without a newline, and BDAT
 * chunks of 10 MB (kept: under message_size_limit) and 64 MiB (over it: read and dropped).
 * The process's RSS must grow by less than 32 MiB, a second client must get its greeting in
 * under 200 ms meanwhile (nine of ten greetings; the slowest under a second, so that a
 * scheduling hiccup of a loaded machine is not taken for a stall), and each flood must be answered as real Postfix 3.7.11 answers the
 * same bytes (the same floods are sent to a private real Postfix first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runMta } from '../../mta.ts';
import { MaillogFollower } from '../../../harness/observe/follow.ts';
import { writeMtaConfig } from '../../../harness/util/mta-config.ts';
import { freePort } from '../../../harness/util/free-port.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';
import { startRealPostfix, type RealPostfix } from '../../../harness/util/real-postfix.ts';

const MiB = 1024 * 1024;
const FLOOD = 64 * MiB;
const KEPT_CHUNK = 10_000_000;
const WARM_UP = 16 * MiB;
const RSS_LIMIT = 32 * MiB;
const GREETING_LIMIT_MS = 200;
/** The slowest greeting allowed: a stalled event loop would hold every greeting for longer. */
const SLOWEST_GREETING_LIMIT_MS = 1000;
/** Pause between the second client's sessions (each is a new smtpd session). */
const PROBE_INTERVAL_MS = 20;

/** The byte stream of one flood: what precedes, `size` bytes of "x", what follows. */
interface Flood {
  name: string;
  parts: (string | number)[];
  /** Replies to wait for after the last byte. */
  replies: number;
}

/** The floods, each `size` bytes long where it floods. */
const FLOODS: ((size: number) => Flood)[] = [
  (size) => ({ name: 'command line without newline', parts: ['NOOP ', size, '\r\nQUIT\r\n'], replies: 2 }),
  (size) => ({
    name: 'BDAT chunks',
    parts: [
      'EHLO client.example\r\nMAIL FROM:<a@client.example>\r\nRCPT TO:<nobody@mx.twinpost.test>\r\n',
      `BDAT ${KEPT_CHUNK}\r\n`, KEPT_CHUNK, `BDAT ${size} LAST\r\n`, size, 'QUIT\r\n',
    ],
    replies: 6,
  }),
];

/** Read replies (whole lines) until `count` final ones (code + space) have come. */
function collectReplies(socket: net.Socket, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let text = '';
    const finals: string[] = [];
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      let nl: number;
      while ((nl = text.indexOf('\n')) >= 0) {
        const line = text.slice(0, nl).replace(/\r$/, '');
        text = text.slice(nl + 1);
        if (/^\d{3} /.test(line)) finals.push(line.replace(/queued as \w+/, 'queued as QID'));
        if (finals.length === count) {
          socket.off('data', onData);
          resolve(finals);
        }
      }
    };
    socket.on('data', onData);
    socket.once('close', () => (finals.length < count ? reject(new Error(`closed after ${JSON.stringify(finals)}`)) : undefined));
    socket.once('error', reject);
  });
}

/** Write `bytes` of "x" in 1 MiB pieces, waiting for the socket to drain. */
async function writeFiller(socket: net.Socket, bytes: number): Promise<void> {
  const piece = Buffer.alloc(MiB, 'x');
  for (let left = bytes; left > 0; left -= piece.length) {
    const ok = socket.write(left >= piece.length ? piece : piece.subarray(0, left));
    if (!ok) await new Promise((r) => socket.once('drain', r));
  }
}

/** Play one flood; the final replies after the greeting. */
async function playFlood(port: number, f: Flood): Promise<string[]> {
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    const replies = collectReplies(socket, f.replies + 1);
    for (const part of f.parts) {
      if (typeof part === 'number') await writeFiller(socket, part);
      else socket.write(part);
    }
    return (await replies).slice(1);
  } finally {
    socket.destroy();
  }
}

/** Milliseconds from connect to the complete greeting. */
async function greetingLatency(port: number): Promise<number> {
  const started = performance.now();
  const socket = net.connect({ host: '127.0.0.1', port });
  try {
    const [greeting] = await collectReplies(socket, 1);
    expect(greeting).toMatch(/^220 /);
    return performance.now() - started;
  } finally {
    socket.destroy();
  }
}

function rssOf(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for ${pid}`);
  return Number(m[1]) * 1024;
}

/** The reference MTA as a daemonized `twinpost mta`; its master pid and SMTP port. */
async function startReference(root: string): Promise<{ pid: number; port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const etc = writeMtaConfig(root, port, ['local', 'error']);
  const log = new MaillogFollower(join(root, 'maillog'), 50);
  log.start();
  const pidFile = join(root, 'spool', 'pid', 'master.pid');
  const stop = async () => {
    log.stop();
    await runMta(['-c', etc, 'stop']);
    // Best effort after a failed stop: the process must not outlive the test.
    if (existsSync(pidFile)) try { process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL'); } catch { /* already gone */ }
  };
  expect(await runMta(['-c', etc, 'start'])).toBe(0);
  await log.waitFor((e) => e.kind === 'daemon-started', 20_000);
  return { pid: Number(readFileSync(pidFile, 'utf8').trim()), port, stop };
}

describe('smtpd under a flood', () => {
  let postfix: RealPostfix | undefined;
  let root: string;
  let reference: Awaited<ReturnType<typeof startReference>> | undefined;

  beforeAll(async () => {
    root = scratchDir('flood');
    [postfix, reference] = await Promise.all([startRealPostfix(), startReference(root)]);
  }, 60_000);

  afterAll(async () => {
    await reference?.stop();
    await postfix?.stop();
    rmSync(root, { recursive: true, force: true });
  }, 30_000);

  for (const flood of FLOODS) {
    const f = flood(FLOOD);
    it(`keeps memory bounded and others served: ${f.name}`, async () => {
      const expected = await playFlood(postfix!.smtpPort, f);
      const ref = reference!;
      // A smaller flood first: the baseline then includes what Node's lazy collection of
      // socket read buffers costs at any flood size; what grows with the flood is what is kept.
      await playFlood(ref.port, flood(WARM_UP));
      const before = rssOf(ref.pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssOf(ref.pid))), 20);
      const flooding = playFlood(ref.port, f);
      const latencies: number[] = [];
      let done = false;
      void flooding.finally(() => (done = true)).catch(() => undefined);
      while (!done) {
        latencies.push(await greetingLatency(ref.port));
        await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
      }
      const replies = await flooding.finally(() => clearInterval(sampler));
      peak = Math.max(peak, rssOf(ref.pid));
      const growth = peak - before;
      const sorted = [...latencies].sort((a, b) => a - b);
      const p90 = sorted[Math.ceil(sorted.length * 0.9) - 1]!;
      const worst = sorted[sorted.length - 1]!;
      console.log(`${f.name}: RSS ${(before / MiB).toFixed(1)} -> peak ${(peak / MiB).toFixed(1)} MiB (growth ${(growth / MiB).toFixed(1)} MiB); `
        + `${latencies.length} greetings meanwhile, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, 90th percentile ${p90.toFixed(1)} ms, `
        + `slowest ${worst.toFixed(1)} ms; replies ${JSON.stringify(replies)}`);
      expect(replies).toEqual(expected);
      expect(growth).toBeLessThan(RSS_LIMIT);
      expect(p90).toBeLessThan(GREETING_LIMIT_MS);
      expect(worst).toBeLessThan(SLOWEST_GREETING_LIMIT_MS);
    }, 60_000);
  }
});
