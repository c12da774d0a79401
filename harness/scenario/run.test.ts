/**
 * runScenario on real Postfix: what the observation records of an SMTP session's end, and a
 * queue that cannot be listed at the end being a scenario error; on the reference MTA: a
 * sink-schedule step out of its range failing the scenario with what it observed.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, SERVER_CLOSED } from './run.ts';
import type { Scenario } from './types.ts';
import type { TargetName } from '../targets/types.ts';
import { createTarget, type TargetOptions } from '../targets/index.ts';

function scenario(steps: Scenario['steps'], expect: Scenario['expect'] = {}): Scenario {
  return { id: 'test/run', title: 'run', description: 'run', config: { main: {} }, steps, expect };
}

describe('runScenario', () => {
  it('records where the server closed, after its 221, and sends no QUIT of its own after the scenario\'s', async () => {
    const o = await runScenario(scenario([{ kind: 'smtp', dialog: [{ command: 'EHLO client.example', expect: 250 }, { command: 'QUIT', expect: 221 }] }]), 'postfix');
    expect(o.error).toBeUndefined();
    const lines = o.observation!.transcripts[0]!.lines.map((l) => `${l.dir}: ${l.text.split('\r\n')[0]}`);
    expect(lines).toEqual(['S: 220 mx.twinpost.test ESMTP Postfix', 'C: EHLO client.example', 'S: 250-mx.twinpost.test', 'C: QUIT', 'S: 221 2.0.0 Bye', `S: ${SERVER_CLOSED}`]);
  });

  it('QUITs a session the scenario left open, and records the close after that', async () => {
    const o = await runScenario(scenario([{ kind: 'smtp', dialog: [{ command: 'NOOP', expect: 250 }] }]), 'postfix');
    const lines = o.observation!.transcripts[0]!.lines.map((l) => `${l.dir}: ${l.text}`);
    expect(lines.slice(1)).toEqual(['C: NOOP', 'S: 250 2.0.0 Ok', 'C: QUIT', 'S: 221 2.0.0 Bye', `S: ${SERVER_CLOSED}`]);
  });

  it('makes a queue that cannot be listed at the end a scenario error, not an empty queue', async () => {
    // A target whose queue listing fails, as the container target's does once it is down.
    const makeTarget = (name: TargetName, opts?: TargetOptions) => {
      const t = createTarget(name, opts);
      t.queue = () => Promise.reject(new Error('showq: the mail system is not running'));
      return t;
    };
    const o = await runScenario(scenario([], { queue: 'empty' }), 'postfix', { makeTarget });
    expect(o.status).toBe('error');
    expect(o.error).toMatch(/the queue could not be listed at the end: showq: the mail system is not running/);
    expect(o.observation?.queueError).toBe('showq: the mail system is not running');
  });

  it('fails a sink-schedule step out of its range, naming the figure, the range and what was observed', async () => {
    const relay: Scenario = {
      ...scenario([
        { kind: 'smtp', dialog: [{ command: 'EHLO client.example', expect: 250 }, { command: 'MAIL FROM:<alice@client.example>', expect: 250 }, { command: 'RCPT TO:<bob@remote.example>', expect: 250 }, { data: 'Subject: one\r\n\r\nhi\r\n', expect: 250 }, { command: 'QUIT', expect: 221 }] },
        { kind: 'wait-sink', sink: 'remote', messages: 1 },
        { kind: 'sink-schedule', sink: 'remote', expect: { connections: { min: 2, max: 5 }, maxRecipientsPerTransaction: { max: 1 } } },
      ]),
      sinks: { remote: {} },
      config: { main: { transport_maps: 'texthash:$config_directory/transport' }, maps: [{ name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' }] },
    };
    const o = await runScenario(relay, 'reference');
    expect(o.error).toBeUndefined();
    expect(o.status).toBe('failed');
    expect(o.failures.map((f) => f.expectation)).toEqual(["step 3 (sink-schedule): sink remote's schedule within the ranges measured on Postfix"]);
    expect(o.failures[0]!.diff.split('\n')[0]).toBe('connections: expected 2..5, observed 1');
    expect(o.observation?.schedules?.[0]?.figures.connections).toBe(1);
  });
});
