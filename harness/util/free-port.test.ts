import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
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

  it('never hands out a port another process holds a reservation for', async () => {
    const mine = new Set<number>();
    for (let i = 0; i < 30; i++) mine.add(await freePort());
    // Another process asks for the very ports this one reserved: each must be refused. The
    // ports are free to bind (nothing listens on them), so only the reservation can refuse.
    const probe = `
      const { createServer } = require('node:net');
      const ports = ${JSON.stringify([...mine])};
      let left = ports.length, taken = 0;
      for (const p of ports) {
        const s = createServer();
        s.once('error', () => { taken++; if (--left === 0) console.log(taken); });
        s.listen('\\0twinpost-port-' + p, () => { s.close(); if (--left === 0) console.log(taken); });
      }`;
    const out = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 10_000 });
    expect(out.stdout.trim()).toBe(String(mine.size));
  });
});
