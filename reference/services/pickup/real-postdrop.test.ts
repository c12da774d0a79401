/**
 * Same files, same sockets: real Postfix 3.7.11 sendmail/postdrop pointed at a running
 * reference MTA. postdrop writes the reference's maildrop/ and pokes its public/pickup trigger
 * socket; the reference pickup takes the file at once (well before its 60 s wake-up).
 */
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { ReferenceTarget } from '../../../harness/targets/reference/reference-target.ts';

let target: ReferenceTarget | undefined;
afterEach(async () => {
  await target?.dispose();
  target = undefined;
});

describe('real sendmail/postdrop → reference pickup', () => {
  it('delivers what the real postdrop wrote, woken by its trigger', async () => {
    target = new ReferenceTarget();
    await target.start({ main: {} });
    const r = spawnSync('/usr/sbin/sendmail', ['-C', target.configDir, '-f', 'alice@client.example', 'nobody'], { input: 'Subject: from real sendmail\n\nhi\n' });
    expect([r.status, r.stderr.toString()]).toEqual([0, '']);
    const picked = await target.waitForEvent((e) => e.kind === 'other' && e.service === 'pickup', 10_000);
    expect(picked.raw).toMatch(/postfix\/pickup\[\d+\]: \w+: uid=0 from=<alice@client\.example>$/);
    await target.waitForEvent((e) => e.kind === 'removed' && e.queueId === picked.queueId, 10_000);
    const mbox = await target.mailbox('nobody');
    expect(mbox).toMatch(new RegExp(`^From alice@client\\.example .*\\nReturn-Path: <alice@client\\.example>\\nX-Original-To: nobody\\nDelivered-To: nobody@mx\\.twinpost\\.test\\nReceived: by mx\\.twinpost\\.test \\(Postfix, from userid 0\\)\\n\\tid ${picked.queueId}; `));
    expect(mbox).toContain('\nSubject: from real sendmail\n');
    expect(await target.queue()).toEqual([]);
  });

  it('keeps its trigger socket across a reload: the reference sendmail (ReferenceTarget.sendmail) is picked up at once', async () => {
    target = new ReferenceTarget();
    await target.start({ main: {} });
    await target.reload();
    const from = target.events().length;
    const r = await target.sendmail(['-f', 'bob@client.example', 'nobody'], 'Subject: after reload\n\nhi\n');
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const picked = await target.waitForEvent((e) => e.kind === 'other' && e.service === 'pickup', 5_000, from);
    expect(picked.raw).toMatch(/: uid=0 from=<bob@client\.example>$/);
    await target.waitForEvent((e) => e.kind === 'removed' && e.queueId === picked.queueId, 10_000, from);
    expect(await target.mailbox('nobody')).toContain('\nSubject: after reload\n');
  });
});
