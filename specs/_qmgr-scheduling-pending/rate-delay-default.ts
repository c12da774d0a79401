import type { Scenario } from '../../harness/scenario/types.ts';
import { burstConfig, burstSteps } from './_burst.ts';

/**
 * default_destination_rate_delay = 1s: qmgr(8) pauses 1 s between deliveries to the same
 * destination, for every transport that does not set its own rate delay. A rate delay makes
 * the destination's concurrency 1 (postconf(5): "with a non-zero rate delay, the destination
 * concurrency is 1"), so the peer sees one delivery at a time, each at least about 1 s after the
 * one before. postconf(5) default_destination_rate_delay.
 * Spread of 10 runs on real Postfix 3.7.11 (min/median/max): maxConcurrent 1/1/1; minGapMs
 * 1002/1003/1006; connections 1/2/2.
 */
const N = 4;

const scenario: Scenario = {
  id: 'qmgr-scheduling/rate-delay-default',
  title: 'default_destination_rate_delay = 1s: one delivery at a time, a second apart',
  description: 'Four messages flushed at once arrive one at a time, with about a second between them.',
  sinks: { remote: { down: true } },
  config: burstConfig({ default_destination_rate_delay: '1s' }),
  steps: [
    ...burstSteps(N, { timeoutMs: 60_000 }),
    { kind: 'sink-schedule', sink: 'remote', expect: { maxConcurrent: { min: 1, max: 1 }, minGapMs: { min: 950, max: 1500 }, connections: { min: 1, max: 3 } } },
  ],
  expect: { sinkMessages: { remote: N }, queue: 'empty' },
};
export default scenario;
