import { describe, expect, it } from 'vitest';
import { checkExpectations } from './check.ts';
import { ABSENT, type Scenario } from './types.ts';
import type { Observation } from './run.ts';

const mbox = 'From alice@client.example  Mon Dec  7 15:25:37 2026\nSubject: hi\nX-Original-To: team@mx.twinpost.test\n\nbody\n\n';

function observation(): Observation {
  return {
    transcripts: [], events: [], maillog: '', sinks: {}, mailboxes: { nobody: mbox }, spool: [], queueFiles: [], queueIds: {}, root: '/tmp/x', retriedLines: [],
    queue: [{ queue_name: 'deferred', queue_id: 'Q1', arrival_time: 0, message_size: 1, sender: 'a@b', recipients: [{ address: 'c@d' }] }],
  };
}

function scenario(expect: Scenario['expect']): Scenario {
  return { id: 't/t', title: 't', description: 't', config: { main: {} }, steps: [], expect };
}

describe('ABSENT in expectations', () => {
  it('requires a header to be missing from a mailbox message', () => {
    expect(checkExpectations(scenario({ mailboxes: [{ user: 'nobody', messages: 1, headers: { 'Delivered-To': ABSENT } }] }), observation())).toEqual([]);
    const f = checkExpectations(scenario({ mailboxes: [{ user: 'nobody', messages: 1, headers: { 'X-Original-To': ABSENT } }] }), observation());
    expect(f.map((x) => x.diff)).toEqual(['header X-Original-To: must be absent, observed "team@mx.twinpost.test"']);
  });

  it('requires a queued recipient without a delay reason', () => {
    expect(checkExpectations(scenario({ queue: { entries: [{ recipients: [{ address: 'c@d', delay_reason: ABSENT }] }] } }), observation())).toEqual([]);
    const o = observation();
    o.queue[0]!.recipients[0]!.delay_reason = 'connection refused';
    expect(checkExpectations(scenario({ queue: { entries: [{ recipients: [{ address: 'c@d', delay_reason: ABSENT }] }] } }), o)).toHaveLength(1);
  });
});
