/**
 * Queue-file properties (issue 7, part 2), both directions against the real Postfix tools:
 *  - any queue file the reference writes (cleanup, with generated envelopes and contents: long
 *    lines split into L records, 8-bit bytes, dots, "From " lines, empty lines) reads back
 *    identically, re-encodes byte for byte, and real postcat shows the same envelope and content;
 *  - queue files written by a real private Postfix in this run (deferred with defer_transports,
 *    one put on hold with real postsuper) are read by the reference reader with the envelope
 *    and content that real postcat shows.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { updateQueueReport } from '../../harness/crash/report.ts';
import { sendMessage } from '../../harness/smtp/send.ts';
import { PostfixTarget } from '../../harness/targets/postfix/postfix-target.ts';
import { readQueueFile, parseQueueFile } from '../../reference/queue/queue-file.ts';
import { decodeRecords, encodeRecord } from '../../reference/queue/records.ts';
import { queueFixture, type QueueFixture } from '../../reference/services/cleanup/testing.ts';
import { QueueLayout } from '../../reference/queue/layout.ts';
import { configArgs } from '../../reference/config/installed-postfix.ts';

const run = promisify(execFile);
const RUNS = Number(process.env.TWINPOST_QUEUEFILE_RUNS ?? 60);
const counts: Record<string, number> = {};

async function postcat(flags: string, path: string): Promise<Buffer> {
  const { stdout } = await run('postcat', [...configArgs(), flags, path], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout;
}

/** "name: value" lines of `postcat -e` for the record labels we compare. */
function envelope(text: string): { sender?: string; recipients: string[] } {
  const out: { sender?: string; recipients: string[] } = { recipients: [] };
  for (const line of text.split('\n')) {
    const m = /^(sender|recipient|done_recipient): ?(.*)$/.exec(line);
    if (!m) continue;
    if (m[1] === 'sender') out.sender = m[2];
    else out.recipients.push(m[2]!);
  }
  return out;
}

const localPart = fc.stringMatching(/^[a-z0-9][a-z0-9.+_-]{0,11}$/).filter((s) => !s.endsWith('.') && !s.includes('..'));
const address = fc.tuple(localPart, fc.stringMatching(/^[a-z]{1,8}$/)).map(([l, d]) => `${l}@${d}.test`);
/** A body line: latin-1 bytes without CR/LF, sometimes long enough for L records. */
const bodyLine = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: fc.integer({ min: 0x20, max: 0xff }).map((c) => String.fromCharCode(c)), maxLength: 80 }) },
  { weight: 1, arbitrary: fc.integer({ min: 2040, max: 7000 }).map((n) => 'y'.repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom('', '.', '..', 'From me', '>From x', '\t', ' ') },
);

describe('queue files the reference writes', () => {
  let fx: QueueFixture | undefined;
  afterAll(async () => {
    await fx?.dispose();
  });

  it(`read back identically and real postcat agrees (${RUNS} generated messages)`, async () => {
    fx = await queueFixture();
    const f = fx;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constant(''), address),
        fc.uniqueArray(address, { minLength: 1, maxLength: 6 }),
        fc.array(bodyLine, { maxLength: 12 }),
        fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n]/g, ' ')),
        async (sender, rcpts, body, subject) => {
          const lines = [`Subject: ${subject}`, 'X-Generated: yes', '', ...body];
          const content = Buffer.from(lines.join('\n') + '\n', 'latin1');
          const h = await f.cleanup.open('smtpd');
          const reply = await h.submit({
            source: 'smtpd', sender, content, attributes: { rewrite_context: 'remote', client_address: '127.0.0.1' },
            recipients: rcpts.map((address) => ({ address, dsnOrcpt: `rfc822;${address}` })),
          });
          expect(reply.status).toBe(0);
          const path = f.layout.pathOf('incoming', reply.queueId);
          const bytes = await readFile(path);
          // Record layer: decode and re-encode gives the same bytes.
          expect(Buffer.concat(decodeRecords(bytes).map((r) => encodeRecord(r.type, r.data))).equals(bytes)).toBe(true);
          // Reader: envelope and content as given.
          const msg = parseQueueFile(bytes, path);
          expect(msg.sender).toBe(sender);
          expect(msg.recipients.map((r) => r.address)).toEqual(rcpts);
          expect(msg.size.recipientCount).toBe(rcpts.length);
          expect(msg.content.toString('latin1')).toBe(content.toString('latin1'));
          // Real postcat: the same envelope and the same content bytes.
          const env = envelope((await postcat('-e', path)).toString('latin1'));
          expect(env.sender).toBe(sender);
          expect(env.recipients).toEqual(rcpts);
          expect((await postcat('-bh', path)).toString('latin1')).toBe(content.toString('latin1'));
          n++;
        },
      ),
      { numRuns: RUNS, seed: Number(process.env.TWINPOST_SEED ?? Date.now() % 2 ** 31) },
    );
    counts.referenceWritten = n;
    expect(n).toBeGreaterThanOrEqual(RUNS);
  }, 120_000);
});

describe('queue files real Postfix writes', () => {
  it('are read by the reference as real postcat shows them (deferred and held)', async () => {
    const target = new PostfixTarget();
    try {
      await target.start({ main: { defer_transports: 'smtp', relayhost: '[127.0.0.1]:9' } });
      const sent: { id: string; from: string; to: string[] }[] = [];
      const bodies = [
        'Subject: plain\n\nhello\n',
        `Subject: long line\n\n${'z'.repeat(5000)}\nafter\n`,
        'Subject: 8bit\nContent-Type: text/plain; charset=latin1\n\ncaf\xe9 \xfc\n.dotted\nFrom the start\n',
      ];
      for (const [i, data] of bodies.entries()) {
        const to = i === 1 ? ['a@remote.test'] : ['b@remote.test', 'c@other.test', 'd@remote.test'];
        const from = i === 2 ? '' : `s${i}@client.test`;
        const r = await sendMessage({ host: target.smtp.host, port: target.smtp.port, from, to, data: Buffer.from(data, 'latin1') });
        expect(r.accepted).toBe(true);
        sent.push({ id: r.queueId!, from, to });
      }
      const sm = await target.sendmail(['-f', 'local@client.test', 'e@remote.test'], 'Subject: via sendmail\n\nbody\n');
      expect(sm.code).toBe(0);
      const smId = (await target.waitForEvent((e) => e.kind === 'queue-active' && e.from === 'local@client.test')).queueId!;
      sent.push({ id: smId, from: 'local@client.test', to: ['e@remote.test'] });
      // Every recipient deferred by defer_transports: the files are complete in deferred/.
      for (const s of sent) {
        for (const to of s.to) await target.waitForEvent((e) => e.kind === 'delivery' && e.queueId === s.id && e.to === to && e.status === 'deferred');
      }
      await run('postsuper', ['-c', target.configDir, '-h', sent[0]!.id]);
      const layout = new QueueLayout(target.queueDir);
      expect(await layout.list('hold')).toEqual([sent[0]!.id]);
      let read = 0;
      for (const s of sent) {
        const queue = s === sent[0] ? 'hold' : 'deferred';
        const path = layout.pathOf(queue, s.id);
        const msg = await readQueueFile(path);
        const env = envelope((await postcat('-e', path)).toString('latin1'));
        expect(msg.sender).toBe(env.sender);
        expect(msg.sender).toBe(s.from);
        expect(msg.recipients.map((r) => r.address)).toEqual(env.recipients);
        expect([...msg.recipients.map((r) => r.address)].sort()).toEqual([...s.to].sort());
        expect(msg.content.toString('latin1')).toBe((await postcat('-bh', path)).toString('latin1'));
        expect(msg.size.recipientCount).toBe(s.to.length);
        read++;
      }
      counts.postfixWritten = read;
      expect(read).toBe(4);
    } finally {
      await target.dispose();
    }
    updateQueueReport({ queuefile: { ...counts, passed: true } });
  }, 60_000);
});
