// Smoke test of `twinpost bench ... --quick` (what CI runs once): each quick form runs through
// the command entry point against real Postfix and the reference, and bench.json then has
// every column filled with figures (rewrite: every table kind on every column, each reference
// column answering the 200 checked addresses as real Postfix did; throughput: both targets,
// every message delivered; table-latency may mark a point unavailable, with a reason). Speed is
// never asserted here.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { benchCommand } from '../commands/bench.ts';
import type { BenchJson } from './report.ts';
import { REWRITE_COLUMNS } from './rewrite.ts';
import { TABLE_KINDS } from './transport-tables.ts';
import { scratchDir } from '../util/cleanup.ts';

const dir = scratchDir('bench-smoke');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bench = (): BenchJson => JSON.parse(readFileSync(join(dir, 'bench.json'), 'utf8')) as BenchJson;

/** A column either has figures or says why not. */
function filledOrExplained(column: { status: string; reason?: string }, figures: (c: never) => number[]): void {
  if (column.status === 'unavailable') {
    expect(column.reason).toMatch(/^not available: .{10,}/);
    return;
  }
  expect(column.status).toBe('ok');
  for (const n of figures(column as never)) expect(Number.isFinite(n) && n > 0).toBe(true);
}

describe('twinpost bench --quick (smoke)', () => {
  it('rewrite: every table kind, every column', { timeout: 240_000 }, async () => {
    expect(await benchCommand(['rewrite', '--quick', '--report', dir])).toBe(0);
    const s = bench().rewrite!;
    expect(s.command).toBe(`npx twinpost bench rewrite --quick --report ${dir}`);
    expect(s.machine.cores).toBeGreaterThan(0);
    expect(s.result.rows.map((r) => r.table)).toEqual(TABLE_KINDS);
    for (const row of s.result.rows) {
      for (const c of REWRITE_COLUMNS) {
        const col = row.columns[c];
        expect(col.status, `${row.table} ${c}: ${col.status === 'unavailable' ? col.reason : ''}`).toBe('ok');
        if (c !== 'postfix' && col.status === 'ok') expect(col.agreement, `${row.table} ${c}`).toMatchObject({ checked: 200, same: 200 });
        filledOrExplained(row.columns[c], (x: { resolve: { p50: number; p99: number }; rewrite: { p50: number }; resolvePerSec: number }) => [
          x.resolve.p50, x.resolve.p99, x.rewrite.p50, x.resolvePerSec,
        ]);
      }
    }
    expect(readFileSync(join(dir, 'bench-rewrite.svg'), 'utf8')).toContain('</svg>');
  });

  it('throughput: postfix and reference', { timeout: 240_000 }, async () => {
    expect(await benchCommand(['throughput', '--quick', '--report', dir])).toBe(0);
    const all = bench();
    expect(all.rewrite).toBeDefined(); // the other section is kept
    const r = all.throughput!.result;
    expect(Object.keys(r.targets).sort()).toEqual(['postfix', 'reference']);
    for (const [name, t] of Object.entries(r.targets)) {
      // Both targets must deliver every message: a column given up because mail was lost is a failure.
      expect(t.status, `${name}: ${t.status === 'unavailable' ? t.reason : ''}`).toBe('ok');
      filledOrExplained(t, (x: { acceptedPerSec: number; deliveredPerSec: number; latencyMs: { p50: number }; peakRssMiB: number; delivered: number }) => [
        x.acceptedPerSec, x.deliveredPerSec, x.latencyMs.p50, x.peakRssMiB, x.delivered,
      ]);
      if (t.status === 'ok') expect(t.delivered).toBe(r.messages);
    }
    expect(existsSync(join(dir, 'bench-throughput.svg'))).toBe(true);
  });

  it('table-latency: a point per added latency plus the baseline', { timeout: 240_000 }, async () => {
    expect(await benchCommand(['table-latency', '--quick', '--report', dir])).toBe(0);
    const r = bench().tableLatency!.result;
    expect(r.points.map((p) => p.addedMs)).toEqual([null, 0, 0.1, 1, 5]);
    for (const p of r.points) {
      filledOrExplained(p.result, (x: { deliveredPerSec: number }) => [x.deliveredPerSec]);
      if (p.addedMs !== null) {
        expect(p.lookups).toBeGreaterThan(0);
        expect(p.measuredMs).toBeGreaterThanOrEqual(p.addedMs);
      }
    }
    expect(readFileSync(join(dir, 'bench-table-latency.svg'), 'utf8')).toContain('delivered');
  });
});
