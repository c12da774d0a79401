/** The master-side wiring: both sockets answer, writes through proxywrite are seen by proxymap and by the in-process client. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseMainCf } from '../../config/index.ts';
import { openTable } from '../../tables/index.ts';
import { ProxyTableDenied, startProxymapServices, type ProxymapServices } from './services.ts';
import { ProxymapClient } from '../../../harness/clients/proxymap.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

let dir: string;
let svc: ProxymapServices | undefined;
beforeEach(() => {
  dir = scratchDir('pmsvc');
});
afterEach(async () => {
  await svc?.close();
  svc = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('proxymap services', () => {
  it('serve private/proxymap and private/proxywrite and back proxy: tables in-process', async () => {
    const cache = `btree:${join(dir, 'cache')}`;
    const config = parseMainCf(`queue_directory = ${dir}\nproxy_write_maps = proxy:${cache}\nproxy_read_maps = proxy:${cache} proxy:inline:{a=b}\n`);
    svc = await startProxymapServices({ config, queueDirectory: dir });
    const w = await ProxymapClient.connect(dir, 'proxywrite');
    const r = await ProxymapClient.connect(dir, 'proxymap');
    try {
      expect((await w.request({ request: 'update', table: cache, flags: 0, key: 'k', value: 'v' })).status).toBe(0);
      expect((await r.request({ request: 'lookup', table: cache, flags: 0, key: 'k' })).value).toBe('v');
      expect((await r.request({ request: 'update', table: cache, flags: 0, key: 'k', value: 'x' })).status).toBe(4);
    } finally {
      w.close();
      r.close();
    }
    const t = await openTable('proxy:inline:{a=b}', { proxy: svc.client });
    expect(await t.lookup('A')).toBe('b');
  });

  it('checkTable: a proxy: table missing from proxy_read_maps is fatal for the opener; others pass', async () => {
    const config = parseMainCf(`queue_directory = ${dir}\nproxy_read_maps = proxy:inline:{a=b}\n`);
    svc = await startProxymapServices({ config, queueDirectory: dir, listen: false });
    await svc.checkTable('proxy:inline:{a=b}');
    await svc.checkTable('texthash:/nonexistent');
    await expect(svc.checkTable('proxy:lmdb:/etc/x')).rejects.toThrow(ProxyTableDenied);
    await expect(svc.checkTable('proxy:lmdb:/etc/x')).rejects.toThrow('proxymap service is not configured for table "lmdb:/etc/x"');
  });
});
