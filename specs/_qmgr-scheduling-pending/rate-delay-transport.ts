import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * smtp_destination_rate_delay = 1s (the per-transport form of default_destination_rate_delay,
 * which stays 0): only the smtp transport's destinations are paced, one delivery at a time
 * and about 1 s apart. postconf(5) transport_destination_rate_delay.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrent 1/1/1; minGapMs
 * 1002/1004/1005; connections 1/1/1.
 */
const N = 4;

const scenario: Scenario = {
  id: 'qmgr-scheduling/rate-delay-transport',
  title: 'smtp_destination_rate_delay = 1s paces the smtp transport',
  description: 'Four messages flushed at once arrive one at a time, with about a second between them.',
  sinks: { remote: { down: true } },
  config: burstConfig({ smtp_destination_rate_delay: '1s' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrent: { min: 1, max: 1 }, minGapMs: { min: 950, max: 1500 }, connections: { min: 1, max: 2 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
