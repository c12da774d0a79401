/**
 * The container target against real Postfix in Docker (twinpost/postfix): start (readiness
 * from "daemon started"), reload, sendmail into a mailbox, crash (docker kill) and restart
 * with the queue intact, and the cleanup guarantee: no container and no temp directory remain
 * after dispose(), and when the harness process is interrupted or killed.
 *
 * Then the foundation scenarios, run with runScenario(scenario, 'container'), must pass.
 *
 * Needs an engine and the image (scripts/docker-engine.sh). With CI=true their absence is a
 * failure; elsewhere the only test is that the target refuses to start and says why.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { ContainerTarget } from './container-target.ts';
import { containerUnavailable, labelledContainers, reapStaleContainers } from './docker.ts';
import { SmtpDialog } from '../../smtp/dialog.ts';
import { startHelperProcess } from '../testing/helper-process.ts';
import { submit } from '../testing/submit.ts';
import { reapStale } from '../../util/cleanup.ts';
import { loadScenario } from '../../scenario/load.ts';
import { explainOutcome, runScenario } from '../../scenario/run.ts';

/** The foundation scenarios: real Postfix in Docker must pass them as the postfix target does. */
const FOUNDATION = [
  'specs/smtp/relay-remote.ts',
  'specs/local/alias-reinjection.ts',
  'specs/smtpd/relay-denied.ts',
  'specs/qmgr/deferred-then-flushed.ts',
  'specs/smtpd/unknown-local-recipient.ts',
  'specs/smtpd/bad-input.ts',
];

const unavailable = containerUnavailable();
const required = process.env.CI === 'true' || !unavailable;

const targets: ContainerTarget[] = [];
afterEach(async () => {
  for (const t of targets.splice(0)) await t.dispose();
});

function make(): ContainerTarget {
  const t = new ContainerTarget();
  targets.push(t);
  return t;
}

function containerRunning(id: string): boolean {
  return execFileSync('docker', ['inspect', '-f', '{{.State.Running}}', id], { encoding: 'utf8' }).trim() === 'true';
}

describe.sequential('container target', () => {
  if (!required) {
    it('refuses to start without Docker and says how to get it', async () => {
      const t = make();
      await expect(t.start({ main: {} })).rejects.toThrow(/scripts\/docker-engine\.sh/);
      expect(t.root).toBeUndefined();
    });
    return;
  }

  it('has a Docker engine and the twinpost/postfix image (scripts/docker-engine.sh)', () => {
    expect(unavailable).toBeUndefined();
  });

  it('starts Postfix in a container on its own loopback port, and cleans up completely', async () => {
    const t = make();
    await t.start({ main: {} });
    const started = t.events().find((e) => e.kind === 'daemon-started');
    expect(started?.raw).toContain(`configuration ${t.configDir}`);
    const s = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 5000 });
    expect(s.greeting.code).toBe(220);
    expect(s.greeting.text).toContain('mx.twinpost.test');
    await s.quit();
    const root = t.root!;
    const id = t.containerId!;
    expect(labelledContainers(root)).toEqual([id.slice(0, 12)]);
    await t.dispose();
    expect(labelledContainers(root)).toEqual([]);
    expect(existsSync(root)).toBe(false);
  });

  it('reloads with a new configuration and new maps', async () => {
    const t = make();
    await t.start({ main: {} });
    await t.reload({
      main: { smtpd_banner: '$myhostname ESMTP reloaded', alias_maps: 'lmdb:$config_directory/aliases' },
      maps: [{ name: 'aliases', content: 'team: nobody\n', build: 'postalias' }],
    });
    expect(t.events().some((e) => e.kind === 'daemon-reloaded')).toBe(true);
    expect(existsSync(`${t.configDir}/aliases.lmdb`)).toBe(true);
    const s = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 5000 });
    expect(s.greeting.text).toContain('reloaded');
    await s.quit();
    const qid = await submit(t, 'team@mx.twinpost.test');
    await t.waitForEvent((e) => e.kind === 'delivery' && e.queueId === qid && e.status === 'sent');
    expect(await t.mailbox('nobody')).toContain('Delivered-To: team@mx.twinpost.test');
  });

  it('submits with sendmail inside the container', async () => {
    const t = make();
    await t.start({ main: {} });
    const r = await t.sendmail(['-f', 'alice@mx.twinpost.test', 'nobody'], 'Subject: by sendmail\n\nhello\n');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    await t.waitForEvent((e) => e.kind === 'delivery' && e.to === 'nobody@mx.twinpost.test' && e.status === 'sent');
    expect(await t.mailbox('nobody')).toContain('Subject: by sendmail');
    expect(t.events().some((e) => e.service === 'pickup')).toBe(true);
  });

  it('survives docker kill of the whole instance: the queued message is still there after restart', async () => {
    const t = make();
    await t.start({ main: { defer_transports: 'local' } });
    const qid = await submit(t, 'nobody@mx.twinpost.test');
    await t.waitForEvent((e) => e.kind === 'delivery' && e.queueId === qid && e.status === 'deferred');
    const id = t.containerId!;
    await t.crash();
    expect(containerRunning(id)).toBe(false);
    await expect(SmtpDialog.connect({ ...t.smtp, timeoutMs: 2000 })).rejects.toThrow();
    await expect(t.queue()).rejects.toThrow(/not running/);
    await t.restart();
    expect(t.containerId).toBe(id); // the same container, started again on the same queue
    expect(containerRunning(id)).toBe(true);
    const q = await t.queue();
    expect(q.map((e) => e.queue_id)).toContain(qid);
    // An orderly stop, then a restart, also keeps it.
    await t.stop();
    await t.restart();
    expect((await t.queue()).map((e) => e.queue_id)).toContain(qid);
  });

  it('leaves nothing behind when the harness process is interrupted (SIGTERM) or killed (-9)', async () => {
    const script = resolve(import.meta.dirname, 'fixtures/start-and-wait.ts');
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const helper = await startHelperProcess<{ root: string; container: string }>(script);
      const { root, container } = helper.info;
      expect(labelledContainers(root)).toEqual([container.slice(0, 12)]);
      await helper.interrupt(signal);
      if (signal === 'SIGKILL') {
        // Nothing could run in the killed process: the next run's reapers find and remove both.
        expect(labelledContainers(root)).toEqual([container.slice(0, 12)]);
        expect(reapStaleContainers()).toContain(container.slice(0, 12));
        expect(reapStale()).toContain(root);
      }
      expect(labelledContainers(root)).toEqual([]);
      expect(existsSync(root)).toBe(false);
    }
  });

  for (const file of FOUNDATION) {
    it(`${file} passes on container`, async () => {
      const scenario = await loadScenario(file);
      const o = await runScenario(scenario, 'container');
      expect(explainOutcome(o), `${scenario.id} on container`).toBe('');
      expect(o.status).toBe('passed');
    });
  }
});
