import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort } from './free-port.ts';

describe('freePort', () => {
  it('hands out distinct ports below the ephemeral range, each one bindable', async () => {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    const ports: number[] = [];
    for (let i = 0; i < 20; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(20);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(10_000);
      expect(p).toBeLessThan(low);
    }
    const srv = createServer();
    await new Promise<void>((resolve, reject) => { srv.once('error', reject); srv.listen(ports[0], '127.0.0.1', resolve); });
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  });

  it('skips a port some other server holds', async () => {
    const held = await freePort();
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(held + 1, '127.0.0.1', resolve));
    try {
      // The next port this process would try is held+1 (unless it wrapped): it must be skipped.
      const got = await freePort();
      expect(got).not.toBe(held + 1);
    } finally {
      await new Promise<void>((resolve) => srv.close(() => resolve()));
    }
  });
});
