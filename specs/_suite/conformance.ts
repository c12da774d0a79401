/**
 * The conformance suite as vitest tests: every scenario in specs/ runs on real Postfix (the
 * oracle) and on the reference MTA side by side, each must meet its expectations, and the
 * reference must behave as Postfix did (compareWithOracle) unless the scenario records a
 * known, explained divergence. A scenario limited to some targets (`targets`) says why in its
 * file. Real Postfix must be installed: the tests fail, never skip, when it is not.
 *
 * The scenario list is split into shards (one test file each) so vitest runs them in parallel.
 */
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { findScenarioFiles, loadScenario } from '../../harness/scenario/load.ts';
import { explainOutcome, type ScenarioOutcome } from '../../harness/scenario/run.ts';
import { runForSuite } from '../../harness/scenario/oracle-cache.ts';
import { compareWithOracle } from '../../harness/compare/diff.ts';
import type { TargetName } from '../../harness/targets/types.ts';

const TARGETS: TargetName[] = ['postfix', 'reference'];

export function conformanceShard(shard: number, shards: number): void {
  const files = findScenarioFiles().filter((_f, i) => i % shards === shard);

  describe(`conformance shard ${shard + 1}/${shards}: every scenario on ${TARGETS.join(' and ')}`, () => {
    it('has Postfix installed and scenarios to run', () => {
      expect(existsSync('/usr/sbin/postfix'), 'Postfix is not installed; run npm test as root so pretest installs it').toBe(true);
      expect(files.length).toBeGreaterThanOrEqual(3);
    });

    for (const file of files) {
      it(`${file}`, async () => {
        const scenario = await loadScenario(file);
        const targets = TARGETS.filter((t) => !scenario.targets || scenario.targets.includes(t));
        expect(targets, `${file} must run on real Postfix`).toContain('postfix');
        // One target after the other: several scenarios measure time (reuse time limits,
        // rate limits), and two mail systems on two cores at once would disturb them.
        const outcomes: ScenarioOutcome[] = [];
        // runForSuite is runScenario, unless a mutation campaign recalls Postfix's outcome
        // from its oracle cache (harness/scenario/oracle-cache.ts).
        for (const t of targets) outcomes.push(await runForSuite(file, scenario, t));
        compareWithOracle(outcomes);
        for (const o of outcomes) {
          console.log(`${o.target.padEnd(9)} ${scenario.id.padEnd(40)} ${o.status} (${(o.durationMs / 1000).toFixed(1)} s)`);
        }
        for (const o of outcomes) {
          expect(explainOutcome(o), `${scenario.id} on ${o.target}`).toBe('');
          expect(o.status).toBe('passed');
        }
      });
    }
  });
}
