/** showq against REAL postqueue on a real Postfix instance's queue directory. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePostqueueJson } from '../../../harness/observe/postqueue.ts';
import { QueueLayout } from '../../queue/layout.ts';
import { startRealPostfix, swaksSend, waitFor, type RealPostfix } from '../../../harness/util/real-postfix.ts';
import { formatJson, formatText, messageSize, showq } from './showq.ts';

const run = promisify(execFile);
let pf: RealPostfix | undefined;
afterEach(async () => {
  await pf?.stop();
  pf = undefined;
});

describe('showq', () => {
  it('prints exactly what real postqueue -j and -p print for deferred and held mail', async () => {
    pf = await startRealPostfix();
    const a = await swaksSend(pf.smtpPort, 'alice@client.test', ['bob@remote.test', 'carol@remote.test'], ['--body', 'one']);
    const b = await swaksSend(pf.smtpPort, 'dave@client.test', ['erin@remote.test'], ['--body', 'two']);
    await pf.waitForLog(new RegExp(`${a}: to=<carol@remote.test>.*status=deferred`));
    await pf.waitForLog(new RegExp(`${b}: to=<erin@remote.test>.*status=deferred`));
    await run('postsuper', ['-c', pf.etcDir, '-h', b]);
    const layout = new QueueLayout(pf.queueDir);
    // Wait until the queue has settled: both files out of active/.
    await waitFor('files out of active/', async () => ((await layout.list('active')).length === 0 ? true : undefined));

    const realJson = await pf.postqueue('-j');
    const mine = await showq(layout);
    expect(parsePostqueueJson(realJson).map((e) => e.queue_id).sort()).toEqual([a, b].sort());
    // postqueue lists in showq's queue order; within one queue the order is the directory order.
    expect(formatJson(mine)).toBe(realJson);
    expect(mine.find((e) => e.queue_id === b)?.queue_name).toBe('hold');
    expect(formatText(mine)).toBe(await pf.postqueue('-p'));
  });
});

describe('messageSize', () => {
  it('is the SIZE record outside maildrop, the file size in maildrop or without a record', () => {
    expect(messageSize('deferred', 416, 900)).toBe(416);
    expect(messageSize('maildrop', 416, 125)).toBe(125);
    expect(messageSize('incoming', undefined, 300)).toBe(300);
    expect(messageSize('active', 0, 300)).toBe(300);
  });
});
