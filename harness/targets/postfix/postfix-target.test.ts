/**
 * The postfix target against real Postfix: start (readiness from "daemon started"), reload,
 * crash (kill -9 of the whole instance) and restart with the queue intact, and the cleanup
 * guarantee: no master process and no temp directory remain — after dispose(), and when the
 * harness process is interrupted or killed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PostfixTarget } from './postfix-target.ts';
import { SmtpDialog } from '../../smtp/dialog.ts';
import { sessionPids, isAlive } from '../../util/procs.ts';
import { startHelperProcess } from '../testing/helper-process.ts';
import { submit } from '../testing/submit.ts';
import { reapStale } from '../../util/cleanup.ts';

const targets: PostfixTarget[] = [];
afterEach(async () => {
  for (const t of targets.splice(0)) await t.dispose();
});

function make(): PostfixTarget {
  const t = new PostfixTarget();
  targets.push(t);
  return t;
}

function masterPid(t: PostfixTarget): number {
  return Number(readFileSync(join(t.queueDir, 'pid', 'master.pid'), 'utf8').trim());
}

describe('postfix target', () => {
  it('starts a private instance, ready on its own port, and cleans up completely', async () => {
    const t = make();
    await t.start({ main: {} });
    const started = t.events().find((e) => e.kind === 'daemon-started');
    expect(started?.raw).toContain(`configuration ${t.configDir}`);
    const s = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 5000 });
    expect(s.greeting.code).toBe(220);
    await s.quit();
    const pid = masterPid(t);
    const root = t.root!;
    expect(sessionPids(pid).length).toBeGreaterThan(1); // master + qmgr/pickup at least
    await t.dispose();
    expect(isAlive(pid)).toBe(false);
    expect(sessionPids(pid)).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });

  it('reloads with a new configuration', async () => {
    const t = make();
    await t.start({ main: {} });
    await t.reload({ main: { smtpd_banner: '$myhostname ESMTP reloaded' } });
    expect(t.events().some((e) => e.kind === 'daemon-reloaded')).toBe(true);
    const s = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 5000 });
    expect(s.greeting.text).toContain('reloaded');
    await s.quit();
  });

  it('survives kill -9 of the whole instance: the queued message is still there after restart', async () => {
    const t = make();
    await t.start({ main: { defer_transports: 'local' } });
    const qid = await submit(t, 'nobody@mx.twinpost.test');
    await t.waitForEvent((e) => e.kind === 'delivery' && e.queueId === qid && e.status === 'deferred');
    const pid = masterPid(t);
    await t.crash();
    expect(sessionPids(pid)).toEqual([]);
    await t.restart();
    const q = await t.queue();
    expect(q.map((e) => e.queue_id)).toContain(qid);
    expect(masterPid(t)).not.toBe(pid);
  });

  it('leaves nothing behind when the harness process is interrupted (SIGTERM) or killed (-9)', async () => {
    const script = resolve(import.meta.dirname, 'fixtures/start-and-wait.ts');
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const helper = await startHelperProcess<{ root: string; master: number }>(script);
      const { root, master } = helper.info;
      expect(isAlive(master)).toBe(true);
      await helper.interrupt(signal);
      if (signal === 'SIGKILL') {
        // Nothing could run in the killed process: the next run's reaper finds and removes it.
        expect(existsSync(root)).toBe(true);
        expect(reapStale()).toContain(root);
      }
      expect(existsSync(root)).toBe(false);
      expect(sessionPids(master)).toEqual([]);
    }
  });
});
