import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { PeakRss, rssBytes } from './memory.ts';

describe('PeakRss', () => {
  it('sums the RSS of the given processes and keeps the peak', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    try {
      await new Promise((r) => child.once('spawn', r));
      const own = rssBytes(process.pid);
      expect(own).toBeGreaterThan(1 << 20);
      const sampler = new PeakRss(() => [process.pid, child.pid!]);
      sampler.sample();
      const peak = sampler.stop();
      expect(peak.processes).toBe(2);
      expect(peak.bytes).toBeGreaterThan(own / 2);
      expect(rssBytes(999_999_999)).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
