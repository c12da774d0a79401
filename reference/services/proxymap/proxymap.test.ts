/**
 * proxymap / proxywrite: approval from proxy_read_maps / proxy_write_maps, statuses, case
 * folding, writable tables that persist, sequence; and the same requests answered like real
 * Postfix 3.7.11's private/proxymap.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseMainCf } from '../../config/index.ts';
import { approvedTables, createProxymap, serveProxymap, WritableTables, PROXY_STAT_BAD, PROXY_STAT_DENY, PROXY_STAT_NOKEY, PROXY_STAT_OK } from './proxymap.ts';
import { ProxymapClient, type ProxymapRequest } from '../../../harness/clients/proxymap.ts';
import { startPostfixInstance, type PostfixInstance } from '../../../harness/clients/postfix-instance.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';
import { configArgs } from '../../config/installed-postfix.ts';

let dir: string;
let tables: Record<string, string>;
beforeAll(() => {
  dir = scratchDir('proxymap');
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'virtual'), 'Info@Alias.example bob@remote.example\nalias.example anything\n');
  execFileSync('postmap', [...configArgs(), `lmdb:${join(dir, 'virtual')}`]);
  writeFileSync(join(dir, 're'), '/^a/ matched\n');
  chmodSync(join(dir, 'virtual.lmdb'), 0o644);
  tables = { texthash: `texthash:${join(dir, 'virtual')}`, lmdb: `lmdb:${join(dir, 'virtual')}`, regexp: `regexp:${join(dir, 're')}`, inline: 'inline:{k1=v1, k2=v2}' };
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const mainCf = () => `proxy_read_maps = ${Object.values(tables).map((t) => `proxy:${t}`).join(' ')}\nproxy_write_maps = proxy:btree:${join(dir, 'cache')}\n`;

describe('proxymap', () => {
  it('approves only proxy: entries, also inside braces and pipemap/unionmap', () => {
    expect([...approvedTables('proxy:lmdb:/a, hash:/b { proxy:inline:{x=y} } unionmap:{proxy:texthash:/c, cidr:/d}')]).toEqual(['lmdb:/a', 'inline:{x=y}', 'texthash:/c']);
  });

  it('looks up with folding on request, refuses unapproved tables and writes on the read service', async () => {
    const warnings: string[] = [];
    const logger = { info: () => undefined, fatal: () => undefined, warning: (_s: string, t: string) => void warnings.push(t) };
    const pm = createProxymap({ config: parseMainCf(mainCf()), service: 'proxymap', logger });
    expect(await pm.lookup(tables.texthash!, 16384, 'INFO@alias.example')).toEqual({ status: PROXY_STAT_OK, value: 'bob@remote.example' });
    expect(await pm.lookup(`proxy:${tables.lmdb!}`, 16384, 'info@alias.example')).toEqual({ status: PROXY_STAT_OK, value: 'bob@remote.example' });
    expect(await pm.lookup('texthash:/etc/passwd', 0, 'root')).toEqual({ status: PROXY_STAT_DENY, value: '' });
    expect(await pm.lookup('nocolon', 0, 'x')).toEqual({ status: PROXY_STAT_BAD, value: '' });
    expect(await pm.update(tables.texthash!, 0, 'k', 'v')).toEqual({ status: PROXY_STAT_DENY });
    expect(warnings).toEqual([
      'request for unapproved table: "texthash:/etc/passwd"',
      'to approve this table for read-only access, list proxy:texthash:/etc/passwd in main.cf:proxy_read_maps',
      `refusing ${tables.texthash} update request on non-proxywrite service`,
    ]);
    await pm.close();
  });

  it('proxywrite updates, deletes and sequences a writable table that survives a new instance', async () => {
    const cfg = parseMainCf(mainCf());
    const table = `btree:${join(dir, 'cache')}`;
    const pw = createProxymap({ config: cfg, service: 'proxywrite' });
    expect(await pw.update(table, 0, 'a@example.net', '0:0:1:ok')).toEqual({ status: PROXY_STAT_OK });
    expect(await pw.update(table, 0, 'b@example.net', '2:0:1:no')).toEqual({ status: PROXY_STAT_OK });
    expect(await pw.delete(table, 0, 'b@example.net')).toEqual({ status: PROXY_STAT_OK });
    expect(await pw.delete(table, 0, 'b@example.net')).toEqual({ status: PROXY_STAT_NOKEY });
    expect(await pw.update(tables.texthash!, 0, 'k', 'v')).toEqual({ status: PROXY_STAT_DENY }); // not in proxy_write_maps
    const again = createProxymap({ config: cfg, service: 'proxywrite', writable: new WritableTables() });
    expect(await again.lookup(table, 0, 'a@example.net')).toEqual({ status: PROXY_STAT_OK, value: '0:0:1:ok' });
    expect(await again.sequence(table, 0, true)).toEqual({ status: PROXY_STAT_OK, key: 'a@example.net', value: '0:0:1:ok' });
    expect(await again.sequence(table, 0, false)).toEqual({ status: PROXY_STAT_NOKEY, key: '', value: '' });
  });
});

describe('proxymap on the wire, against real Postfix', () => {
  let pf: PostfixInstance;
  beforeAll(async () => {
    pf = await startPostfixInstance({ proxy_read_maps: Object.values(tables).map((t) => `proxy:${t}`).join(' ') });
  });
  afterAll(async () => {
    await pf?.stop();
  });

  const requests = (): ProxymapRequest[] => [
    { request: 'open', table: tables.texthash!, flags: 0 },
    { request: 'open', table: tables.lmdb!, flags: 0 },
    { request: 'open', table: tables.regexp!, flags: 0 },
    { request: 'open', table: tables.inline!, flags: 0 },
    { request: 'open', table: 'texthash:/etc/passwd', flags: 0 },
    { request: 'lookup', table: tables.texthash!, flags: 16384, key: 'INFO@ALIAS.EXAMPLE' },
    { request: 'lookup', table: tables.lmdb!, flags: 16384, key: 'alias.example' },
    { request: 'lookup', table: tables.lmdb!, flags: 16384, key: 'nobody@alias.example' },
    { request: 'lookup', table: tables.regexp!, flags: 0, key: 'abc' },
    { request: 'lookup', table: tables.inline!, flags: 16384, key: 'K2' },
    { request: 'lookup', table: 'nocolon', flags: 0, key: 'x' },
    { request: 'lookup', table: `proxy:proxy:${tables.texthash!}`, flags: 16384, key: 'alias.example' },
    { request: 'update', table: tables.texthash!, flags: 0, key: 'k', value: 'v' },
    { request: 'delete', table: tables.texthash!, flags: 0, key: 'k' },
    // (sequence is left out: Postfix walks an inline:/texthash: table in its hash order)
  ];

  async function play(queueDir: string): Promise<string[]> {
    const c = await ProxymapClient.connect(queueDir, 'proxymap');
    try {
      const out: string[] = [];
      for (const r of requests()) out.push(JSON.stringify((await c.request(r)).raw));
      return out;
    } finally {
      c.close();
    }
  }

  it('gives the same replies as real proxymap', async () => {
    const refQueue = join(dir, 'spool');
    const server = await serveProxymap(join(refQueue, 'private', 'proxymap'), createProxymap({ config: parseMainCf(mainCf()), service: 'proxymap' }));
    try {
      const real = await play(pf.queueDir);
      const ref = await play(refQueue);
      expect(ref).toEqual(real);
      // texthash: opened first without FOLD_FIX, so its keys keep their case and a folded query misses
      expect(real[5]).toBe(JSON.stringify([['status', '1'], ['value', '']]));
      expect(real[6]).toBe(JSON.stringify([['status', '0'], ['value', 'anything']]));
    } finally {
      await server.close();
    }
  });
});
