/**
 * Runs every scenario in specs/ on real Postfix (the oracle). A scenario that fails prints the
 * expectation and the diff of expected vs observed. Real Postfix must be installed: this test
 * fails, never skips, when it is not (npm test's pretest installs it as root).
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { findScenarioFiles, loadScenario } from '../harness/scenario/load.ts';
import { runScenario } from '../harness/scenario/run.ts';

const files = findScenarioFiles();

describe('scenarios on real Postfix', () => {
  it('has Postfix installed and scenarios to run', () => {
    expect(existsSync('/usr/sbin/postfix'), 'Postfix is not installed; run npm test as root so pretest installs it').toBe(true);
    expect(files.length).toBeGreaterThanOrEqual(6);
  });

  for (const file of files) {
    it(`${file} passes on postfix`, async () => {
      const scenario = await loadScenario(file);
      const o = await runScenario(scenario, 'postfix');
      const report = [...o.failures.map((f) => `✗ ${f.expectation}\n${f.diff}`), o.error ?? ''].filter(Boolean).join('\n\n');
      expect(report, `${scenario.id} on postfix`).toBe('');
      expect(o.status).toBe('passed');
    });
  }
});
