/**
 * The short crash test on both targets (issue 7, part 3): 60 messages, 2 kill -9 + restart
 * cycles, drained; nothing the target acknowledged may be lost. Also the command's usage.
 */
import { describe, expect, it } from 'vitest';
import { crashPoints, runCrashTest, seededRandom } from './crash.ts';
import { updateQueueReport } from './report.ts';
import { crashCommand } from '../commands/crash.ts';
import type { TargetName } from '../targets/types.ts';

const SEED = Number(process.env.TWINPOST_SEED ?? (Date.now() % 2 ** 31));

describe('crash test', () => {
  for (const target of ['postfix', 'reference'] as TargetName[]) {
    it(`${target}: 60 messages, 2 crashes, 0 lost`, async () => {
      const lines: string[] = [];
      const r = await runCrashTest({ target, messages: 60, crashes: 2, seed: SEED, progress: (l) => lines.push(l) });
      console.log(lines.join('\n'));
      updateQueueReport({ crash: { [`${target}-short`]: { ...r, passed: r.lost === 0 && r.leftInQueue === 0 } } });
      expect(r.crashes).toBe(2);
      expect(r.accepted).toBe(60);
      expect(r.lostIds).toEqual([]);
      expect(r.delivered).toBe(60);
      expect(r.leftInQueue).toBe(0);
      // At-least-once: a duplicate needs a crash between delivery and the queue-file update.
      expect(r.duplicated).toBeLessThanOrEqual(r.crashes * 10);
    }, 180_000);
  }

  it('crash points are distinct, inside the load, as many as asked', () => {
    // A source that repeats one value: drawing with replacement would give a single point.
    const stuck = (): number => 0.5;
    expect(crashPoints(3, 10, stuck)).toEqual([4, 5, 6]);
    expect(crashPoints(2, 60, seededRandom(7)).length).toBe(2);
    expect(crashPoints(5, 4, stuck)).toEqual([1, 2]);
  });

  it('the seeded random source repeats', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('twinpost crash: --help exits 0, bad usage exits 2', async () => {
    const log = console.log;
    const err = console.error;
    const out: string[] = [];
    console.log = (s: string) => out.push(s);
    console.error = (s: string) => out.push(s);
    try {
      expect(await crashCommand(['--help'])).toBe(0);
      expect(out.join('\n')).toMatch(/usage: twinpost crash --target T/);
      expect(await crashCommand([])).toBe(2);
      expect(await crashCommand(['--target', 'nosuch'])).toBe(2);
      expect(await crashCommand(['--target', 'postfix', '--messages', 'ten'])).toBe(2);
    } finally {
      console.log = log;
      console.error = err;
    }
  });
});
