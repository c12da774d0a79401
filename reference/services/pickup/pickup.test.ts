/** pickup with the reference sendmail/postdrop and cleanup: maildrop/ → incoming/. */
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queueFixture, submitMessage, type QueueFixture } from '../cleanup/testing.ts';
import { readQueueFile } from '../../queue/queue-file.ts';
import { publicSocket } from '../../protocol/sockets.ts';
import { sendmailCommand } from '../../commands/sendmail.ts';
import { postdrop } from '../../commands/postdrop.ts';
import { postsuper } from '../../commands/postsuper.ts';
import { markRecipientDone } from '../../queue/queue-file.ts';
import { createPickup, type Pickup } from './pickup.ts';
import { serveTrigger, type TriggerServer } from '../../skeleton/trigger-server.ts';

let fx: QueueFixture | undefined;
let pickup: Pickup | undefined;
let server: TriggerServer | undefined;
afterEach(async () => {
  await server?.close();
  await pickup?.stop();
  await fx?.dispose();
  fx = pickup = server = undefined;
});

/** A queue fixture plus a config directory whose main.cf points sendmail at the same queue. */
async function setup(): Promise<{ fx: QueueFixture; etc: string; queued: () => Promise<string[]> }> {
  let onQueued: (() => void) | undefined;
  fx = await queueFixture({}, () => onQueued?.());
  const etc = join(fx.dir, 'etc');
  await mkdir(etc);
  await writeFile(join(etc, 'main.cf'), `queue_directory = ${fx.layout.queueDir}\nmyhostname = mx.twinpost.test\n`);
  const f = fx;
  return { fx, etc, queued: () => f.layout.list('incoming') };
}

function start(f: QueueFixture): Pickup {
  pickup = createPickup({ config: f.config, layout: f.layout, cleanup: f.cleanup, logger: f.logger });
  return pickup;
}

async function until<T>(what: string, get: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('pickup', () => {
  it('is woken by the postdrop trigger and hands the file to cleanup with its Received: header', async () => {
    const { fx, etc, queued } = await setup();
    const p = start(fx);
    await p.start();
    server = await serveTrigger(publicSocket(fx.layout.queueDir, 'pickup'), () => p.wake());
    const r = await sendmailCommand(['-C', etc, '-f', 'alice@client.example', '-F', 'Alice', 'nobody'], { stdin: 'Subject: hi\n\nbody\n', env: {} });
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const [id] = await until('the queue file', queued, (l) => l.length === 1);
    await p.idle();
    expect(await fx.layout.list('maildrop')).toEqual([]);
    expect(fx.logger.lines).toContain(`pickup: ${id}: uid=${process.getuid!()} from=<alice@client.example>`);
    const msg = await readQueueFile(fx.layout.pathOf('incoming', id));
    expect(msg.sender).toBe('alice@client.example');
    expect(msg.fullName).toBe('Alice');
    expect(msg.attributes.rewrite_context).toBe('local');
    expect(msg.recipients.map((x) => [x.origTo, x.address])).toEqual([['nobody', 'nobody@mx.twinpost.test']]);
    const text = msg.content.toString();
    expect(text).toMatch(new RegExp(`^Received: by mx\\.twinpost\\.test \\(Postfix, from userid ${process.getuid!()}\\)\n\tid ${id}; \\w{3}, [ \\d]\\d \\w{3} \\d{4} `));
    expect(text).toContain('\nSubject: hi\n');
    expect(text).toContain(`\nFrom: Alice <alice@client.example>\n`);
  });

  it('picks up a maildrop file left by a crash when it starts, and -t recipients from the extracted segment', async () => {
    const { fx, etc, queued } = await setup();
    const r = await sendmailCommand(['-C', etc, '-t'], { stdin: 'To: a@remote.example\nCc: b@remote.example\nSubject: t\n\nx\n', env: {} });
    expect(r.code).toBe(0);
    expect((await fx.layout.list('maildrop')).length).toBe(1);
    const p = start(fx);
    await p.start();
    await p.idle();
    const [id] = await queued();
    expect((await readQueueFile(fx.layout.pathOf('incoming', id))).recipients.map((x) => x.address)).toEqual(['a@remote.example', 'b@remote.example']);
    expect(await fx.layout.list('maildrop')).toEqual([]);
  });

  it('leaves a file that postdrop has not finished (not mode 0744) and removes one without sender', async () => {
    const { fx, queued } = await setup();
    const done = await postdrop({ layout: fx.layout, records: [{ type: 'S', data: 's@x' }, { type: 'R', data: 'r@y' }, { type: 'M' }, { type: 'X' }], trigger: false });
    const path = fx.layout.pathOf('maildrop', done.queueId!);
    await chmod(path, 0o644);
    // A complete file without an S record (postdrop refuses those; a hand-made file is possible).
    const bad = await postdrop({ layout: fx.layout, records: [{ type: 'S', data: 's@x' }, { type: 'R', data: 'r@y' }, { type: 'M' }, { type: 'X' }], trigger: false });
    const badPath = fx.layout.pathOf('maildrop', bad.queueId!);
    const bytes = await readFile(badPath);
    const sAt = bytes.indexOf(Buffer.from('S\x03s@x'));
    await writeFile(badPath, Buffer.concat([bytes.subarray(0, sAt), bytes.subarray(sAt + 5)]));
    await chmod(badPath, 0o744);
    const p = start(fx);
    await p.start();
    await p.idle();
    expect(await queued()).toEqual([]);
    expect(await fx.layout.list('maildrop')).toEqual([done.queueId]);
    expect(fx.logger.lines).toContain(`pickup: warning: ${bad.queueId}: uid=${(await stat(path)).uid}: no envelope sender`);
  });

  it('postdrop refuses a submission without recipient or with records out of order', async () => {
    const { fx } = await setup();
    expect((await postdrop({ layout: fx.layout, records: [{ type: 'S', data: 's@x' }, { type: 'M' }, { type: 'X' }], trigger: false })).status).toBe(1);
    expect((await postdrop({ layout: fx.layout, records: [{ type: 'M' }, { type: 'S', data: 's@x' }, { type: 'X' }], trigger: false })).status).toBe(1);
    expect(await fx.layout.list('maildrop')).toEqual([]);
  });

  it('re-injects a file postsuper -r requeued: orig_id logged, recipients still to do, attributes kept, new Received:', async () => {
    const { fx, queued } = await setup();
    const old = await submitMessage(fx.cleanup, 'a@client.test', ['b@remote.example', 'c@remote.example'], 'Subject: again\n\nbody\n', 'smtpd', { log_client_name: 'client.test' });
    const first = await readQueueFile(fx.layout.pathOf('incoming', old));
    await markRecipientDone(fx.layout.pathOf('incoming', old), first.recipients[0].offset);
    expect(await postsuper({ layout: fx.layout }, 'requeue', [old])).toBe(1);
    const p = start(fx);
    await p.start();
    await p.idle();
    const ids = (await queued()).filter((i) => i !== old);
    expect(ids.length).toBe(1);
    const [id] = ids;
    expect(fx.logger.lines).toContain(`pickup: ${id}: uid=${process.getuid!()} from=<a@client.test> orig_id=${old}`);
    const msg = await readQueueFile(fx.layout.pathOf('incoming', id));
    expect(msg.recipients.map((r) => [r.address, r.dsnOrcpt])).toEqual([['c@remote.example', 'rfc822;c@remote.example']]);
    expect(msg.attributes.log_client_name).toBe('client.test');
    expect(msg.attributes.rewrite_context).toBe('remote');
    expect(msg.content.toString()).toMatch(new RegExp(`^Received: by mx\\.twinpost\\.test \\(Postfix, from userid \\d+\\)\n\tid ${id}; .*\nSubject: again\n`));
    expect(await fx.layout.list('maildrop')).toEqual([]);
  });
});
