/** The reference postqueue: -p/-j listings of a reference queue, -f poking master and pickup, errors as Postfix. */
import { spawn } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queueFixture, submitMessage, type QueueFixture } from '../services/cleanup/testing.ts';
import { publicSocket } from '../protocol/sockets.ts';
import { serveTrigger, type TriggerServer } from '../skeleton/trigger-server.ts';
import { postqueueCommand } from './postqueue.ts';

let fx: QueueFixture | undefined;
let server: TriggerServer | undefined;
afterEach(async () => {
  await server?.close();
  await fx?.dispose();
  fx = server = undefined;
});

async function setup(): Promise<{ fx: QueueFixture; etc: string }> {
  fx = await queueFixture();
  const etc = join(fx.dir, 'etc');
  await mkdir(etc);
  await writeFile(join(etc, 'main.cf'), `queue_directory = ${fx.layout.queueDir}\nmyhostname = mx.twinpost.test\n`);
  return { fx, etc };
}

const DOWN = 'postqueue: warning: Mail system is down -- accessing queue directly (Connect to the Postfix showq service: No such file or directory)\n';

describe('reference postqueue', () => {
  it('lists the queue with -p and -j (read directly, as root postqueue does when showq is down)', async () => {
    const { fx, etc } = await setup();
    expect(await postqueueCommand(['-c', etc, '-p'])).toEqual({ code: 0, stdout: 'Mail queue is empty\n', stderr: DOWN });
    const id = await submitMessage(fx.cleanup, 'alice@client.example', ['bob@remote.example'], 'Subject: x\n\nbody\n');
    const j = await postqueueCommand(['-c', etc, '-j']);
    expect(j.code).toBe(0);
    const entry = JSON.parse(j.stdout.trim());
    expect(entry).toMatchObject({ queue_name: 'incoming', queue_id: id, sender: 'alice@client.example', recipients: [{ address: 'bob@remote.example' }] });
    const p = await postqueueCommand(['-c', etc, '-p']);
    expect(p.stdout).toMatch(new RegExp(`^-Queue ID-  --Size-- ----Arrival Time---- -Sender/Recipient-------\\n${id} +\\d+ \\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d  alice@client\\.example\\n +bob@remote\\.example\\n\\n-- 0 Kbytes in 1 Request\\.\\n$`));
  });

  it('-f signals the running master (SIGUSR1) and sends pickup a W', async () => {
    const { fx, etc } = await setup();
    const triggers: string[] = [];
    server = await serveTrigger(publicSocket(fx.layout.queueDir, 'pickup'), (b) => triggers.push(b.toString('latin1')));
    const master = spawn('sleep', ['30']);
    const signalled = new Promise<string | null>((r) => master.once('exit', (_c, sig) => r(sig)));
    await mkdir(join(fx.layout.queueDir, 'pid'), { recursive: true });
    await writeFile(join(fx.layout.queueDir, 'pid', 'master.pid'), `${String(master.pid).padStart(10)}\n`);
    try {
      expect(await postqueueCommand(['-c', etc, '-f'])).toEqual({ code: 0, stdout: '', stderr: '' });
      expect(await signalled).toBe('SIGUSR1');
      expect(triggers).toEqual(['W\0']);
    } finally {
      master.kill();
    }
  });

  it('fails as Postfix 3.7.11 does (exit 69, same messages)', async () => {
    const { etc } = await setup();
    const usage = 'postqueue: fatal: usage: postqueue -f | postqueue -i queueid | postqueue -j | postqueue -p | postqueue -s site\n';
    expect(await postqueueCommand(['-c', etc, '-f'])).toEqual({
      code: 69, stdout: '',
      stderr: 'postqueue: warning: unable to look up public/qmgr: No such file or directory\npostqueue: fatal: Cannot flush mail queue - mail system is down\n',
    });
    expect(await postqueueCommand(['-c', etc, '-x'])).toEqual({ code: 69, stdout: '', stderr: `postqueue: invalid option -- 'x'\n${usage}` });
    expect(await postqueueCommand(['-c', etc])).toEqual({ code: 69, stdout: '', stderr: usage });
  });
});
