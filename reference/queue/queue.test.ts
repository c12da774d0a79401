/**
 * Tests for the queue layer: record encoding, queue IDs, hashing, the writer (checked by the
 * REAL postcat) and the reader (fed queue files written by a REAL Postfix instance).
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { QueueLayout } from './layout.ts';
import { QueueFileWriter, markRecipientDone, readQueueFile, isReadyMode } from './queue-file.ts';
import { hashDirs, longQueueId, shortQueueId, isLongQueueId } from './queue-id.ts';
import { REC, decodeRecords, encodeLength, encodeRecord } from './records.ts';
import { startRealPostfix, swaksSend, type RealPostfix } from '../../harness/util/real-postfix.ts';

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'twinpost-queue-'));
  cleanups.push(() => rm(d, { recursive: true, force: true }));
  return d;
}

describe('records', () => {
  it('encodes lengths in base 128, low group first', () => {
    expect([...encodeLength(2048)]).toEqual([0x80, 0x10]);
    expect([...encodeLength(5)]).toEqual([5]);
    expect([...encodeRecord('N', 'abc')]).toEqual([0x4e, 3, 0x61, 0x62, 0x63]);
    const recs = decodeRecords(Buffer.concat([encodeRecord('S', 'a@b'), encodeRecord('L', 'x'.repeat(3000))]));
    expect(recs.map((r) => [r.type, r.data.length, r.offset])).toEqual([['S', 3, 0], ['L', 3000, 5]]);
  });
});

describe('queue IDs', () => {
  it('builds the short and long forms as Postfix', () => {
    expect(shortQueueId({ sec: 0, usec: 0xae4f2 }, 0x216076)).toBe('AE4F2216076');
    expect(shortQueueId({ sec: 0, usec: 5 }, 0x1a)).toBe('000051A');
    expect(longQueueId({ sec: 1704067200, usec: 123456 }, 1234567)).toBe('4T3GM40sf8z9HdB');
    expect(isLongQueueId('4T3GM40sf8z9HdB')).toBe(true);
    expect(isLongQueueId('AE4F2216076')).toBe(false);
  });
  it('hashes by the hex microseconds', () => {
    expect(hashDirs('AE4F2216076', 1)).toEqual(['A']);
    expect(hashDirs('AE4F2216076', 2)).toEqual(['A', 'E']);
    // 123456 usec = 0x1E240
    expect(hashDirs('4T3GM40sf8z9HdB', 2)).toEqual(['1', 'E']);
    const l = new QueueLayout('/q');
    expect(l.pathOf('deferred', 'AE4F2216076')).toBe('/q/deferred/A/AE4F2216076');
    expect(l.pathOf('incoming', 'AE4F2216076')).toBe('/q/incoming/AE4F2216076');
  });
});

describe('writer', () => {
  it('gives concurrent creators in the same microsecond distinct files (no EEXIST)', async () => {
    const dir = await tempDir();
    const layout = new QueueLayout(join(dir, 'queue'));
    await layout.ensureDirs();
    const sameInstant = () => ({ sec: 1795893786, usec: 0x12345 });
    const writers = await Promise.all(Array.from({ length: 20 }, () => QueueFileWriter.create(layout, 'incoming', { clock: sameInstant })));
    expect(new Set(writers.map((w) => w.path)).size).toBe(20);
    expect(new Set(writers.map((w) => w.queueId)).size).toBe(20);
  });

  it('writes a file that real postcat reads, and marks recipients done in place', async () => {
    const dir = await tempDir();
    const conf = join(dir, 'conf');
    await run('mkdir', ['-p', conf]);
    await writeFile(join(conf, 'main.cf'), '');
    const layout = new QueueLayout(join(dir, 'queue'));
    await layout.ensureDirs();
    const w = await QueueFileWriter.create(layout, 'incoming', { clock: () => ({ sec: 1795893786, usec: 0xae4f2 }) });
    expect(w.queueId).toMatch(/^AE4F2[0-9A-F]+$/);
    expect((await stat(w.path)).mode & 0o777).toBe(0o600);
    w.addSizePlaceholder();
    w.add(REC.TIME, '1795893786 0');
    w.add(REC.ATTR, 'create_time=1795893786');
    w.add(REC.ATTR, 'rewrite_context=local');
    w.add(REC.FROM, 'sender@host.example.com');
    w.add(REC.ATTR, 'dsn_orig_rcpt=rfc822;rcpt@other.example');
    w.add(REC.ORCP, 'rcpt@other.example');
    const r1 = w.add(REC.RCPT, 'rcpt@other.example');
    w.add(REC.MESG);
    const dataOffset = w.offset;
    w.add(REC.NORM, 'Subject: hello');
    w.add(REC.NORM, '');
    w.add(REC.CONT, 'x'.repeat(2048));
    w.add(REC.NORM, 'tail');
    const xtra = w.add(REC.XTRA);
    w.add(REC.END);
    await w.finish({ messageSize: xtra - dataOffset, dataOffset, recipientCount: 1, qmgrFlags: 0, contentLength: xtra - dataOffset, smtputf8: 0 });
    expect(isReadyMode((await stat(w.path)).mode)).toBe(true);

    const out = (await run('postcat', ['-c', conf, w.path])).stdout;
    expect(out).toContain(`*** ENVELOPE RECORDS ${w.path} ***`);
    expect(out).toMatch(new RegExp(`message_size: +${xtra - dataOffset} +${dataOffset} +1 +0 +${xtra - dataOffset} +0`));
    expect(out).toContain('sender: sender@host.example.com');
    expect(out).toContain('original_recipient: rcpt@other.example');
    expect(out).toContain('recipient: rcpt@other.example');
    expect(out).toContain('named_attribute: rewrite_context=local');
    expect(out).toContain('Subject: hello');
    expect(out).toContain('x'.repeat(2048) + 'tail');
    expect(out).toContain('*** MESSAGE FILE END');

    await markRecipientDone(w.path, r1);
    const done = (await run('postcat', ['-c', conf, w.path])).stdout;
    expect(done).toContain('done_recipient: rcpt@other.example');
    const back = await readQueueFile(w.path);
    expect(back.recipients).toEqual([{ offset: r1, address: 'rcpt@other.example', origTo: 'rcpt@other.example', dsnOrcpt: 'rfc822;rcpt@other.example', done: true }]);
    expect(back.content.toString()).toBe(`Subject: hello\n\n${'x'.repeat(2048)}tail\n`);
  });
});

describe('writer, written through', () => {
  it('puts a large message in its file while it is added, and finishes with the same bytes as records', async () => {
    const dir = await tempDir();
    const layout = new QueueLayout(join(dir, 'queue'));
    await layout.ensureDirs();
    const w = await QueueFileWriter.create(layout, 'incoming');
    w.addSizePlaceholder();
    w.add(REC.FROM, 'sender@host.example.com');
    w.add(REC.MESG);
    const dataOffset = w.offset;
    const lines = Array.from({ length: 4000 }, (_, i) => `line ${i} ${'y'.repeat(i % 97)}`);
    for (const l of lines) w.add(REC.NORM, l);
    // Records pass to the file before the end: what is held stays below a small buffer.
    await w.writesDone();
    const before = (await stat(w.path)).size;
    expect(before).toBeGreaterThan(w.offset - 128 * 1024);
    const xtra = w.add(REC.XTRA);
    w.add(REC.END);
    await w.finish({ messageSize: xtra - dataOffset, dataOffset, recipientCount: 0, qmgrFlags: 0, contentLength: xtra - dataOffset, smtputf8: 0 });
    const m = await readQueueFile(w.path);
    expect(m.size.messageSize).toBe(xtra - dataOffset);
    expect(m.content.toString('latin1')).toBe(lines.map((l) => `${l}\n`).join(''));
    expect((await stat(w.path)).size).toBe(w.offset);
  });
});

describe('reader on files written by real Postfix', () => {
  let pf: RealPostfix | undefined;
  afterEach(async () => {
    await pf?.stop();
    pf = undefined;
  });

  it('reads the envelope, recipients and content of a real deferred queue file', async () => {
    pf = await startRealPostfix();
    const id = await swaksSend(pf.smtpPort, 'alice@client.test', ['bob@remote.test', 'carol@remote.test'], ['--header', 'Subject: real one', '--body', 'hello body']);
    await pf.waitForLog(new RegExp(`${id}: to=<carol@remote.test>.*status=deferred`));
    const json = JSON.parse((await pf.postqueue('-j')).trim());
    const layout = new QueueLayout(pf.queueDir);
    const copy = join(await tempDir(), id);
    await copyFile(layout.pathOf('deferred', id), copy);
    const msg = await readQueueFile(copy);
    expect(msg.sender).toBe('alice@client.test');
    expect(msg.size.messageSize).toBe(json.message_size);
    expect(Math.floor(msg.arrivalTime / 1000)).toBe(json.arrival_time);
    expect(msg.recipients.map((r) => [r.address, r.origTo, r.dsnOrcpt, r.done])).toEqual([
      ['bob@remote.test', 'bob@remote.test', 'rfc822;bob@remote.test', false],
      ['carol@remote.test', 'carol@remote.test', 'rfc822;carol@remote.test', false],
    ]);
    // The defer log written by real Postfix names the same R-record offsets.
    const deferLog = await readFile(layout.pathOf('defer', id), 'utf8');
    for (const r of msg.recipients) expect(deferLog).toContain(`recipient=${r.address}\noffset=${r.offset}\n`);
    expect(msg.attributes.rewrite_context).toBe('local');
    expect(msg.attributes.log_client_address).toBe('127.0.0.1');
    const content = msg.content.toString();
    expect(content).toMatch(/^Received: from .*\n\tby mx\.twinpost\.test \(Postfix\) with ESMTP id /);
    expect(content).toContain('Subject: real one\n');
    expect(content).toContain('\n\nhello body\n');
    // message_size = X offset - data offset, as cleanup computes it.
    expect(msg.xtraOffset - msg.dataOffset).toBe(msg.size.messageSize);
    expect(msg.dataOffset).toBe(msg.size.dataOffset);
  });
});
