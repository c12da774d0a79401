/**
 * `twinpost mta` (runMta) as an administrator uses it: start (daemonized child), status,
 * reload, stop, on a Postfix-style configuration directory; plus master's inet endpoint
 * parsing. Waits on maillog events, never on sleeps.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runMta } from './mta.ts';
import { inetEndpoint } from './skeleton/single-server.ts';
import { MaillogFollower } from '../harness/observe/follow.ts';
import { writeMtaConfig } from '../harness/util/mta-config.ts';
import { freePort } from '../harness/util/free-port.ts';
import { SmtpDialog } from '../harness/smtp/dialog.ts';
import { scratchDir } from '../harness/util/cleanup.ts';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function pidOf(queueDir: string): number | undefined {
  const f = join(queueDir, 'pid', 'master.pid');
  return existsSync(f) ? Number(readFileSync(f, 'utf8').trim()) : undefined;
}

describe('twinpost mta', () => {
  it('parses inet service names like master(8)', () => {
    expect(inetEndpoint('127.0.0.1:2525', ['all'])).toEqual([{ host: '127.0.0.1', port: 2525 }]);
    expect(inetEndpoint('smtp', ['127.0.0.1', '127.0.0.2'])).toEqual([{ host: '127.0.0.1', port: 25 }, { host: '127.0.0.2', port: 25 }]);
    expect(inetEndpoint('[127.0.0.3]:26', ['all'])).toEqual([{ host: '127.0.0.3', port: 26 }]);
  });

  it('starts in the background, reports status, reloads and stops', async () => {
    const root = scratchDir('mta');
    cleanups.push(() => rmSync(root, { recursive: true, force: true }));
    const port = await freePort();
    const etc = writeMtaConfig(root, port, ['smtp', 'local', 'error']);
    const log = new MaillogFollower(join(root, 'maillog'), 50);
    log.start();
    cleanups.push(() => log.stop());
    cleanups.push(() => {
      const pid = pidOf(join(root, 'spool'));
      if (pid) try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    });

    expect(await runMta(['-c', etc, 'start'])).toBe(0);
    await log.waitFor((e) => e.kind === 'daemon-started', 20_000);
    const pid = pidOf(join(root, 'spool'))!;
    expect(pid).toBeGreaterThan(0);
    expect(pid).not.toBe(process.pid);
    expect(await runMta(['-c', etc, 'status'])).toBe(0);
    const d = await SmtpDialog.connect({ host: '127.0.0.1', port, timeoutMs: 5000 });
    expect(d.greeting.raw).toBe('220 mx.twinpost.test ESMTP Postfix\r\n');
    await d.quit();
    await d.close();

    const mark = log.events().length;
    expect(await runMta(['-c', etc, 'reload'])).toBe(0);
    const reloaded = await log.waitFor((e) => e.kind === 'daemon-reloaded', 20_000, mark);
    expect(reloaded.raw).toMatch(new RegExp(`postfix/master\\[${pid}\\]: reload -- version 3\\.7\\.11, configuration ${etc}$`));

    expect(await runMta(['-c', etc, 'stop'])).toBe(0);
    const stopped = await log.waitFor((e) => e.kind === 'daemon-stopped', 20_000, mark);
    expect(stopped.raw).toMatch(/: terminating on signal 15$/);
    expect(pidOf(join(root, 'spool'))).toBeUndefined();
    expect(await runMta(['-c', etc, 'status'])).toBe(1);
  });
});
