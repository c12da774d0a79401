// The oracle cache: off without its variable; keys change with the scenario file's bytes;
// a recorded outcome comes back with its Buffers and the scenario it is recalled for.
import { describe, expect, it } from 'vitest';
import { oracleCacheDir, oracleCacheFile, reviveOutcome, serialiseOutcome, ORACLE_CACHE_ENV } from './oracle-cache.ts';
import type { ScenarioOutcome } from './run.ts';
import type { Scenario } from './types.ts';

const scenario = { id: 'smtp/relay-remote', title: 't', config: { main: {} }, steps: [], expect: {} } as unknown as Scenario;

describe('oracle cache', () => {
  it('is off unless the variable names a directory', () => {
    expect(oracleCacheDir({})).toBeUndefined();
    expect(oracleCacheDir({ [ORACLE_CACHE_ENV]: '' })).toBeUndefined();
    expect(oracleCacheDir({ [ORACLE_CACHE_ENV]: '/tmp/o' })).toBe('/tmp/o');
  });

  it('keys a scenario by its id and a hash of its file', () => {
    const a = oracleCacheFile('/c', 'smtp/relay-remote', 'specs/smtp/relay-remote.ts');
    expect(a).toMatch(/^\/c\/smtp_relay-remote-[0-9a-f]{16}\.json$/);
    expect(oracleCacheFile('/c', 'smtp/relay-remote', 'specs/smtpd/bad-input.ts')).not.toBe(a);
  });

  it('brings back what was recorded, Buffers included', () => {
    const data = Buffer.from('Subject: \xe9\r\n\r\nbody\r\n', 'latin1');
    const outcome = {
      scenario, target: 'postfix', status: 'passed', failures: [], durationMs: 12,
      observation: { sinks: { relay: [{ transactions: [{ mailFrom: 'a@b', data }] }] } },
    } as unknown as ScenarioOutcome;
    const back = reviveOutcome(serialiseOutcome(outcome), scenario);
    expect(back.scenario).toBe(scenario);
    const t = (back.observation as unknown as { sinks: { relay: { transactions: { data: Buffer }[] }[] } }).sinks.relay[0].transactions[0];
    expect(Buffer.isBuffer(t.data)).toBe(true);
    expect(t.data.equals(data)).toBe(true);
    expect(serialiseOutcome(outcome)).not.toContain('"scenario"');
  });
});
