import { describe, expect, it } from 'vitest';
import { headerPass, type HeaderPassInput } from './headers.ts';

function pass(lines: string[], more: Partial<HeaderPassInput> = {}) {
  const logs: string[] = [];
  const warnings: string[] = [];
  const out = headerPass({
    lines, queueId: 'Q1', sender: 's@x.example', arrivalSec: 0, createSec: 0, myhostname: 'mx.example', longQueueIds: false,
    addMissing: true, dropHeaders: [], headerSizeLimit: 102400, hopcountLimit: 3, stopAtError: true,
    log: (t) => logs.push(t), warn: (t) => warnings.push(t), ...more,
  });
  return { out, logs, warnings };
}

const received = (n: number) => Array.from({ length: n }, (_, i) => `Received: from h${i}`);

describe('hopcount_limit', () => {
  it('accepts one Received: fewer than the limit and adds the missing headers', () => {
    const { out, warnings } = pass([...received(2), 'Subject: s']);
    expect(out.tooManyHops).toBe(false);
    expect(warnings).toEqual([]);
    expect(out.headers.some((h) => h.startsWith('Message-Id: '))).toBe(true);
  });

  it('refuses the message at the limit-th Received: and, for smtpd, looks no further', () => {
    const { out, logs, warnings } = pass([...received(4), 'Message-Id: <m@x>']);
    expect(out.tooManyHops).toBe(true);
    expect(warnings).toEqual(['Q1: message rejected: hopcount exceeded']);
    expect(logs).toEqual([]);
  });

  it('warns once per further Received: for a caller that can bounce', () => {
    const { out, logs, warnings } = pass([...received(4), 'Message-Id: <m@x>'], { stopAtError: false });
    expect(out.tooManyHops).toBe(true);
    expect(warnings).toHaveLength(2);
    expect(logs).toEqual(['Q1: message-id=<m@x>']);
  });
});

describe('header_size_limit on output', () => {
  it('cuts a header written to the queue file at the limit', () => {
    const { out } = pass([`X-Long: ${'x'.repeat(50)}`], { headerSizeLimit: 20, hopcountLimit: 50 });
    expect(out.headers[0]).toBe(`X-Long: ${'x'.repeat(12)}`);
  });
});
