/**
 * flush: per-site logs, send_site moving deferred files to incoming with the qmgr triggers,
 * send_file's unthrottle bit, refresh/purge, fast_flush_domains; and the wire answers
 * compared with real Postfix 3.7.11's public/flush for the same requests.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { parseMainCf } from '../../config/index.ts';
import { QueueLayout } from '../../queue/layout.ts';
import { encodeAttrs } from '../../protocol/attr.ts';
import { createFlush, serveFlush, siteToPath, FLUSH_STAT_BAD, FLUSH_STAT_DENY, FLUSH_STAT_OK } from './flush.ts';
import { startPostfixInstance, type PostfixInstance } from '../../../harness/clients/postfix-instance.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

const ID1 = '4F12620E01E';
const ID2 = 'A1B2C3D4E5F';

let dir: string;
let layout: QueueLayout;
let triggers: string[];
beforeEach(async () => {
  dir = scratchDir('flush');
  layout = new QueueLayout(join(dir, 'spool'));
  await layout.ensureDirs();
  triggers = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function make(main = 'fast_flush_domains = example.net\n') {
  const config = parseMainCf(`queue_directory = ${join(dir, 'spool')}\n${main}`);
  return createFlush({ config, layout, trigger: (t) => triggers.push(t) });
}

async function deferred(id: string): Promise<string> {
  const d = await layout.ensureDirOf('deferred', id);
  writeFileSync(join(d, id), 'x', { mode: 0o700 });
  const old = new Date(Date.now() - 3_600_000);
  utimesSync(join(d, id), old, old);
  return join(d, id);
}

describe('flush', () => {
  it('maps a site to its log name', () => {
    expect(siteToPath('Relay.Example-1.NET')).toBe('relay_example_1_net');
  });

  it('logs queue IDs per eligible site and refuses other sites', async () => {
    const f = make();
    expect(await f.add('example.net', ID1)).toBe(FLUSH_STAT_OK);
    expect(await f.add('Example.NET', ID2)).toBe(FLUSH_STAT_OK);
    expect(await f.add('sub.example.net', ID2)).toBe(FLUSH_STAT_OK); // parent domain matches subdomains
    expect(await f.add('other.example', ID1)).toBe(FLUSH_STAT_DENY);
    expect(readFileSync(join(dir, 'spool', 'flush', 'example_net'), 'utf8')).toBe(`${ID1}\n${ID2}\n`);
    expect(statSync(join(dir, 'spool', 'flush', 'example_net')).mode & 0o777).toBe(0o600);
  });

  it('send_site moves the listed deferred files to incoming, empties the log, triggers F then I', async () => {
    const f = make();
    const p1 = await deferred(ID1);
    await f.add('example.net', ID1);
    await f.add('example.net', ID1);
    await f.add('example.net', ID2); // not in the queue any more
    expect(await f.sendSite('example.net')).toBe(FLUSH_STAT_OK);
    expect(existsSync(p1)).toBe(false);
    const moved = layout.pathOf('incoming', ID1);
    expect(existsSync(moved)).toBe(true);
    expect(Math.abs(statSync(moved).mtimeMs - Date.now())).toBeLessThan(5_000);
    expect(readFileSync(join(dir, 'spool', 'flush', 'example_net'), 'utf8')).toBe('');
    expect(triggers).toEqual(['F', 'I']);
    expect(await f.sendSite('other.example')).toBe(FLUSH_STAT_DENY);
    expect(await f.sendSite('never.example.net')).toBe(FLUSH_STAT_OK); // no log: nothing to do
  });

  it('send_file sets the unthrottle bit and moves one file; rejects a bad queue ID', async () => {
    const f = make();
    await deferred(ID1);
    expect(await f.sendFile(ID1)).toBe(FLUSH_STAT_OK);
    expect(statSync(layout.pathOf('incoming', ID1)).mode & 0o7777).toBe(0o740);
    expect(triggers).toEqual(['I']);
    expect(await f.sendFile('../etc')).toBe(FLUSH_STAT_BAD);
  });

  it('refresh flushes logs unread for fast_flush_refresh_time and deletes empty old logs; purge flushes all', async () => {
    const f = make('fast_flush_domains = example.net, example.org\nfast_flush_refresh_time = 1h\nfast_flush_purge_time = 1d\n');
    await deferred(ID1);
    await f.add('example.net', ID1);
    await f.add('example.org', ID2);
    const flushDir = join(dir, 'spool', 'flush');
    const old = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(join(flushDir, 'example_net'), old, old);
    writeFileSync(join(flushDir, 'stale_example'), '');
    const ancient = new Date(Date.now() - 3 * 86_400_000);
    utimesSync(join(flushDir, 'stale_example'), ancient, ancient);
    await f.refresh();
    expect(existsSync(layout.pathOf('incoming', ID1))).toBe(true);
    expect(existsSync(join(flushDir, 'stale_example'))).toBe(false);
    expect(readFileSync(join(flushDir, 'example_org'), 'utf8')).toBe(`${ID2}\n`); // recently read: kept
    await f.purge();
    expect(readFileSync(join(flushDir, 'example_org'), 'utf8')).toBe('');
  });

  it('denies everything when fast_flush_domains is empty', async () => {
    const f = make('fast_flush_domains =\n');
    expect(await f.add('example.net', ID1)).toBe(FLUSH_STAT_DENY);
    expect(await f.sendSite('example.net')).toBe(FLUSH_STAT_DENY);
  });
});

describe('flush on the wire, against real Postfix', () => {
  let pf: PostfixInstance;
  beforeAll(async () => {
    pf = await startPostfixInstance({ fast_flush_domains: 'example.net' });
  });
  afterAll(async () => {
    await pf?.stop();
  });

  /** One single-server exchange: the raw bytes received until the server closes. */
  function exchange(path: string, request: [string, string][]): Promise<string> {
    return new Promise((resolve, reject) => {
      const sock = connect(path);
      let got = '';
      const timer = setTimeout(() => { sock.destroy(); reject(new Error(`no close; got ${JSON.stringify(got)}`)); }, 10_000);
      sock.on('connect', () => sock.write(encodeAttrs(request)));
      sock.on('data', (d: Buffer) => (got += d.toString('latin1')));
      sock.on('error', (e) => { clearTimeout(timer); reject(e); });
      sock.on('close', () => { clearTimeout(timer); resolve(got); });
    });
  }

  const requests: [string, string][][] = [
    [['request', 'add'], ['site', 'example.net'], ['queue_id', ID1]],
    [['request', 'add'], ['site', 'other.example'], ['queue_id', ID1]],
    [['request', 'send_site'], ['site', 'example.net']],
    [['request', 'send_site'], ['site', 'other.example']],
    [['request', 'send_file'], ['queue_id', 'bad/id']],
    [['request', 'send_file'], ['queue_id', ID2]],
    [['request', 'rfrsh']],
    [['request', 'purge']],
    [['request', 'bogus']],
  ];

  it('answers like real flush: announcement, one status per request, close (no reply to an unknown request)', async () => {
    const config = parseMainCf(`queue_directory = ${join(dir, 'spool')}\nfast_flush_domains = example.net\n`);
    const server = await serveFlush(join(dir, 'public-flush'), createFlush({ config, layout, trigger: () => undefined }));
    try {
      for (const r of requests) {
        const real = await exchange(join(pf.queueDir, 'public', 'flush'), r);
        const ref = await exchange(join(dir, 'public-flush'), r);
        expect(ref, JSON.stringify(r)).toBe(real);
      }
      expect(await exchange(join(pf.queueDir, 'public', 'flush'), requests[1]!)).toBe('protocol\0queue_flush_protocol\0\0status\x004\0\0');
    } finally {
      await server.close();
    }
  });
});
