/** cleanup: the queue file it writes (read back by the reference reader and real postcat), its log, its maps. */
import { execFile } from 'node:child_process';
import { stat, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { readQueueFile } from '../../queue/queue-file.ts';
import { decodeRecords } from '../../queue/records.ts';
import { readFile } from 'node:fs/promises';
import { queueFixture, submitMessage, type QueueFixture } from './testing.ts';
import { createCleanup } from './cleanup.ts';
import { mailDate } from '../../global/mail-date.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';

const run = promisify(execFile);
let fx: QueueFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

const SMTPD_ATTRS = { rewrite_context: 'remote', log_client_name: 'localhost', log_client_address: '127.0.0.1', protocol_name: 'ESMTP' };
// Content as cleanup's producers hand it over: one record per line, each ended by LF.
const MSG = 'Received: from vm (localhost [127.0.0.1])\n\tby mx.twinpost.test (Postfix) with ESMTP id X\nSubject: hi\nReturn-Path: <junk@x>\n\nbody line\n';

describe('cleanup', () => {
  it('writes an smtpd message in Postfix record order, logs message-id=<>, wakes qmgr', async () => {
    let woken = 0;
    fx = await queueFixture({}, () => woken++);
    const id = await submitMessage(fx.cleanup, 'alice@client.test', ['bob@remote.test', 'bob@remote.test', 'carol@remote.test'], MSG, 'smtpd', SMTPD_ATTRS);
    const path = fx.layout.pathOf('incoming', id);
    expect((await stat(path)).mode & 0o777).toBe(0o700);
    expect(woken).toBe(1);
    // remote context without remote_header_rewrite_domain: no headers added, empty message-id logged
    expect(fx.logger.lines).toEqual([`cleanup: ${id}: message-id=<>`]);
    const recs = decodeRecords(await readFile(path));
    expect(recs.map((r) => r.type).join('')).toBe('CTAAASAAAAORAORMNNNNNXE');
    const msg = await readQueueFile(path);
    expect(msg.attributes).toMatchObject({ log_ident: id, rewrite_context: 'remote', log_client_address: '127.0.0.1' });
    expect(msg.recipients.map((r) => r.address)).toEqual(['bob@remote.test', 'carol@remote.test']);
    expect(msg.size.recipientCount).toBe(2);
    expect(msg.content.toString()).toBe('Received: from vm (localhost [127.0.0.1])\n\tby mx.twinpost.test (Postfix) with ESMTP id X\nSubject: hi\n\nbody line\n');
    expect(msg.size.messageSize).toBe(msg.xtraOffset - msg.dataOffset);

    const conf = join(fx.dir, 'conf');
    await mkdir(conf);
    await writeFile(join(conf, 'main.cf'), '');
    const out = (await run('postcat', ['-c', conf, path])).stdout;
    expect(out).toContain('sender: alice@client.test');
    expect(out).toContain('named_attribute: dsn_orig_rcpt=rfc822;carol@remote.test');
    expect(out).toContain('Subject: hi');
    expect(out).not.toContain('Return-Path');
  });

  it('writes a body line of exactly line_length_limit bytes as an L record and an empty N record, a header as one N', async () => {
    fx = await queueFixture({ line_length_limit: '10' });
    const id = await submitMessage(fx.cleanup, 's@client.test', ['r@remote.test'], 'X-H: 1234\n\n0123456789\n012345678\n', 'smtpd', SMTPD_ATTRS);
    const recs = decodeRecords(await readFile(fx.layout.pathOf('incoming', id)));
    const content = recs.slice(recs.findIndex((r) => r.type === 'M') + 1, recs.findIndex((r) => r.type === 'X'));
    expect(content.map((r) => `${r.type}:${r.data.toString()}`)).toEqual(['N:X-H: 1234', 'N:', 'L:0123456789', 'N:', 'N:012345678']);
  });

  it('drops a recipient that differs from an earlier one only in case (the duplicate filter folds case)', async () => {
    fx = await queueFixture();
    const id = await submitMessage(fx.cleanup, 's@client.test', ['r@remote.test', 'R@REMOTE.test', 'q@remote.test'], MSG, 'smtpd', SMTPD_ATTRS);
    const msg = await readQueueFile(fx.layout.pathOf('incoming', id));
    expect(msg.recipients.map((r) => r.address)).toEqual(['r@remote.test', 'q@remote.test']);
  });

  it('keeps the SMTPUTF8 flags of a UTF-8 sender (4) and of an 8-bit header (2) in the size record, with smtputf8_enable', async () => {
    const flagsOf = async (sender: string, header: string): Promise<number> => {
      const id = await submitMessage(fx!.cleanup, sender, ['r@remote.test'], `${header}\n\nbody\n`, 'smtpd', SMTPD_ATTRS);
      return (await readQueueFile(fx!.layout.pathOf('incoming', id))).size.smtputf8;
    };
    fx = await queueFixture({ smtputf8_enable: 'no' });
    expect(await flagsOf('sü@client.test', 'Subject: hé')).toBe(0);
    await fx.dispose();
    fx = await queueFixture({ smtputf8_enable: 'yes' });
    expect(await flagsOf('s@client.test', 'Subject: plain')).toBe(0);
    expect(await flagsOf('sü@client.test', 'Subject: plain')).toBe(4);
    expect(await flagsOf('s@client.test', 'Subject: hé')).toBe(2);
    expect(await flagsOf('sü@client.test', 'Subject: hé')).toBe(6);
  });

  it('marks the message 8bit only for a Content-Transfer-Encoding value that is exactly 8bit or binary (auto_8bit_enc_hdr)', async () => {
    fx = await queueFixture();
    const encodingOf = async (header: string): Promise<string | undefined> => {
      const id = await submitMessage(fx!.cleanup, 's@client.test', ['r@remote.test'], `${header}\n\nbody\n`, 'smtpd', SMTPD_ATTRS);
      return (await readQueueFile(fx!.layout.pathOf('incoming', id))).attributes.encoding;
    };
    expect(await encodingOf('Content-Transfer-Encoding:  8BIT')).toBe('8bit');
    expect(await encodingOf('Content-Transfer-Encoding:\n\tbinary')).toBe('8bit');
    // Folded after the value, or blanks after it: the unfolded text is not "8bit".
    expect(await encodingOf('Content-Transfer-Encoding: 8bit\n\tindented')).toBeUndefined();
    expect(await encodingOf('Content-Transfer-Encoding: 8bit ')).toBeUndefined();
    expect(await encodingOf('Content-Transfer-Encoding: base64')).toBeUndefined();
  });

  it('streams: an aborted message keeps the message-id lines of what it had read, and leaves no file', async () => {
    fx = await queueFixture();
    const local = { rewrite_context: 'local' };
    const h = await fx.cleanup.open('smtpd');
    h.begin({ source: 'smtpd', sender: 'alice@client.test', recipients: [{ address: 'bob@remote.test' }], attributes: local });
    h.write(Buffer.from('Message-Id: <own@client.test>\nSubject: first\n'));
    h.write(Buffer.from('\nbody, abandoned'));
    await h.abort();
    expect(fx.logger.lines).toEqual([`cleanup: ${h.queueId}: message-id=<own@client.test>`]);
    await expect(stat(fx.layout.pathOf('incoming', h.queueId))).rejects.toThrow(/ENOENT/);

    // A header not yet followed by another line is not complete: nothing is logged for it.
    const h2 = await fx.cleanup.open('smtpd');
    h2.begin({ source: 'smtpd', sender: 'alice@client.test', recipients: [{ address: 'bob@remote.test' }], attributes: local });
    h2.write(Buffer.from('Subject: s\nMessage-Id: <late@client.test>\n'));
    await h2.abort();
    expect(fx.logger.lines.filter((l) => l.includes(h2.queueId))).toEqual([]);
  });

  it('adds Message-Id, Date and From for local mail and qualifies bare addresses', async () => {
    fx = await queueFixture();
    const id = await submitMessage(fx.cleanup, 'root', ['nobody'], 'Subject: local\n\nhello\n', 'pickup');
    const msg = await readQueueFile(fx.layout.pathOf('incoming', id));
    expect(msg.sender).toBe('root@mx.twinpost.test');
    expect(msg.recipients[0]).toMatchObject({ address: 'nobody@mx.twinpost.test', origTo: 'nobody', dsnOrcpt: 'rfc822;nobody@mx.twinpost.test' });
    const text = msg.content.toString();
    // Date: is mail_date() of the arrival time (day space-padded on days 1-9, local zone).
    const date = mailDate(msg.arrivalTime / 1000).replace(/[()+]/g, '\\$&');
    expect(text).toMatch(new RegExp(`^Subject: local\nMessage-Id: <\\d{14}\\.${id}@mx\\.twinpost\\.test>\nDate: ${date}\nFrom: root@mx\\.twinpost\\.test\n\nhello\n$`));
    expect(fx.logger.lines[0]).toMatch(new RegExp(`^cleanup: ${id}: message-id=<\\d{14}\\.${id}@mx\\.twinpost\\.test>$`));
  });

  it('expands virtual aliases recursively, keeps self-references, writes W with delay_warning_time', async () => {
    fx = await queueFixture({
      virtual_alias_maps: 'inline:{ {list@v.test = a@v.test, b@v.test}, {a@v.test = a@v.test, c@remote.test} }',
      delay_warning_time: '4h',
    });
    const id = await submitMessage(fx.cleanup, 's@client.test', ['list@v.test'], 'Subject: v\n\nx\n', 'smtpd');
    const msg = await readQueueFile(fx.layout.pathOf('incoming', id));
    expect(msg.recipients.map((r) => [r.origTo, r.address])).toEqual([
      ['list@v.test', 'a@v.test'], ['list@v.test', 'c@remote.test'], ['list@v.test', 'b@v.test'],
    ]);
    expect(msg.warnTime?.value).toBe(Math.floor(msg.arrivalTime / 1000) + 4 * 3600);
  });

  it('reports a table that fails with real Postfix\'s two warnings and does not accept the message', async () => {
    // Seen on Postfix 3.7.11 with a proxy:pgsql: canonical_maps whose server is down: maps_find's
    // warning (key as given), then cleanup's; smtpd answers "451 4.3.0 Error: queue file write error".
    fx = await queueFixture({ canonical_maps: 'texthash:/nonexistent/canonical' });
    const h = await fx.cleanup.open('smtpd');
    const reply = await h.submit({ source: 'smtpd', sender: 'Alice@Client.test', recipients: [{ address: 'bob@remote.test' }], content: Buffer.from('Subject: x\n\nb\n') });
    expect(reply).toEqual({ status: CLEANUP_STAT.WRITE, queueId: h.queueId, reason: '4.3.0 Error: queue file write error' });
    expect(fx.logger.lines).toEqual([
      'cleanup: warning: texthash:/nonexistent/canonical lookup error for "Alice@Client.test"',
      `cleanup: warning: ${h.queueId}: canonical_maps map lookup problem for Alice@Client.test -- message not accepted, try again later`,
    ]);
    await expect(stat(fx.layout.pathOf('incoming', h.queueId))).rejects.toThrow();
  });

  it('abort removes the incoming file', async () => {
    fx = await queueFixture();
    const h = await fx.cleanup.open('smtpd');
    const path = fx.layout.pathOf('incoming', h.queueId);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    await h.abort();
    await expect(stat(path)).rejects.toThrow();
  });

  it('rewrites header addresses in the local context, and in the remote one only with remote_header_rewrite_domain', async () => {
    const content = 'To: nobody\nCc: dave@remote.test\nResent-Cc: x\nSubject: h\n\nb\n';
    fx = await queueFixture({ myorigin: 'origin.test' });
    const local = await readQueueFile(fx.layout.pathOf('incoming', await submitMessage(fx.cleanup, 'alice', ['bob@remote.test'], content, 'pickup')));
    const localHeaders = local.content.toString().split('\n\n')[0].split('\n');
    expect(localHeaders.slice(0, 4)).toEqual(['To: nobody@origin.test', 'Cc: dave@remote.test', 'Resent-Cc: x@origin.test', 'Subject: h']);
    // a Resent- header makes the added headers Resent- ones (Message-Id is then logged as <>)
    expect(localHeaders.slice(4).map((l) => l.split(':')[0])).toEqual(['Resent-Message-Id', 'Resent-Date', 'Resent-From']);
    expect(localHeaders[6]).toBe('Resent-From: alice@origin.test');
    expect(fx.logger.lines.filter((l) => l.includes('message-id='))).toEqual([
      expect.stringMatching(/: resent-message-id=<\d{14}\.[0-9A-F]+@mx\.twinpost\.test>$/), expect.stringMatching(/: message-id=<>$/),
    ]);
    const remote = await readQueueFile(fx.layout.pathOf('incoming', await submitMessage(fx.cleanup, 'alice@client.test', ['bob@remote.test'], content, 'smtpd', SMTPD_ATTRS)));
    expect(remote.content.toString()).toBe(content);
    await fx.dispose();

    fx = await queueFixture({ remote_header_rewrite_domain: 'hdr.test' });
    const remote2 = await readQueueFile(fx.layout.pathOf('incoming', await submitMessage(fx.cleanup, 'alice@client.test', ['bob@remote.test'], 'To: nobody\n\nb\n', 'smtpd', SMTPD_ATTRS)));
    expect(remote2.content.toString().split('\n')[0]).toBe('To: nobody@hdr.test');
  });

  it('returns a message it refuses to the sender itself when the client asks (CLEANUP_FLAG_BOUNCE), and only then', async () => {
    fx = await queueFixture({ hopcount_limit: '2' });
    const appended: string[] = [];
    const notified: string[] = [];
    const cleanup = createCleanup({
      config: fx.config, layout: fx.layout, rewrite: fx.rewrite, logger: fx.logger,
      bounce: () => ({
        append: async (kind, id, r, d) => void appended.push(`${kind} ${id} ${r.address} ${d.status} ${d.reason}`),
        notify: async (id, msg) => {
          notified.push(`${id} ${msg.sender} ${msg.content.toString('latin1').split('\n')[0]}`);
          return undefined;
        },
      }),
    });
    const forward = (flags?: { bounceOnError: boolean }) => ({
      source: 'local-forward' as const, sender: 'alice@client.test', flags,
      recipients: [{ address: 'bob@remote.test', origTo: 'fwd@mx.twinpost.test' }],
      content: Buffer.from('Received: by a.test\nReceived: by b.test\nSubject: s\n\nbody\n'),
    });
    const refused = await cleanup.open('local-forward');
    expect((await refused.submit(forward())).status).toBe(CLEANUP_STAT.HOPS);
    expect(appended).toEqual([]);

    const h = await cleanup.open('local-forward');
    expect(await h.submit(forward({ bounceOnError: true }))).toEqual({ status: CLEANUP_STAT.OK, queueId: h.queueId });
    expect(appended).toEqual([`bounce ${h.queueId} bob@remote.test 5.4.0 too many hops`]);
    expect(notified).toEqual([`${h.queueId} alice@client.test Received: by a.test`]);
    await expect(stat(fx.layout.pathOf('incoming', h.queueId))).rejects.toThrow();
    expect(fx.logger.lines).toContainEqual(expect.stringMatching(
      new RegExp(`^cleanup: ${h.queueId}: to=<bob@remote\\.test>, orig_to=<fwd@mx\\.twinpost\\.test>, relay=none, delay=[\\d.]+, delays=[\\d./]+, dsn=5\\.4\\.0, status=bounced \\(too many hops\\)$`),
    ));
  });
});
