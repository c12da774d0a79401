/**
 * The concurrency timeline chart (timeline-svg.ts) and its place in the report: one chart per
 * capture peer in each target's column, so two targets' schedules sit side by side.
 */
import { describe, expect, it } from 'vitest';
import { renderTimelineSvg, timelinePath } from './timeline-svg.ts';
import { renderHtmlReport } from './render.ts';
import type { ScenarioResult } from '../types.ts';

describe('timelinePath', () => {
  it('steps up and down with the open connections, scaled to the chart', () => {
    // 0 ms: 1 open, 143 ms: 2 open, 286 ms: 0 open; x from 28 to 314, y from 74 (0) to 6 (peak 2).
    const d = timelinePath([{ t: 0, open: 1 }, { t: 143, open: 2 }, { t: 286, open: 0 }], 286, 2);
    expect(d).toBe('M28,74 H28 V40 H171 V6 H314 V74 H314');
  });

  it('is empty without points', () => {
    expect(timelinePath([], 0, 0)).toBe('');
  });
});

describe('renderTimelineSvg', () => {
  it('writes the peak and the duration and escapes the title', () => {
    const svg = renderTimelineSvg([{ t: 0, open: 3 }, { t: 2500, open: 0 }], 'peer <remote>');
    expect(svg).toContain('<title>peer &lt;remote&gt;</title>');
    expect(svg).toMatch(/>3<\/text>/);
    expect(svg).toContain('>2.5 s</text>');
  });
});

describe('the report', () => {
  const conns = (spans: [number, number][]) => spans.map(([openedAt, closedAt], i) => ({ id: i + 1, openedAt, closedAt, transactions: [], commands: [] }));
  const result = (target: string, sinks: unknown): ScenarioResult => ({
    id: 'qmgr-scheduling/x', title: 'x', file: 'specs/qmgr-scheduling/x.ts', target, status: 'passed', durationMs: 1, failures: [],
    observations: { events: [], transcripts: [], maillog: '', sinks },
  });

  it("draws each peer's timeline in each target's column", () => {
    const html = renderHtmlReport({
      startedAt: 'x', durationMs: 1, targets: ['postfix', 'reference'],
      scenarios: [result('postfix', { remote: conns([[1000, 2000], [1100, 1900]]) }), result('reference', { remote: conns([[5000, 6000], [5000, 6000], [5050, 6000]]), idle: [] })],
    });
    const columns = html.split('<div class="target" data-target=').slice(1);
    expect(columns).toHaveLength(2);
    expect(columns[0]).toContain('<figcaption>remote: 2 connection(s), at most 2 at once</figcaption>');
    expect(columns[1]).toContain('<figcaption>remote: 3 connection(s), at most 3 at once</figcaption>');
    expect(html.match(/<svg class="timeline"/g)).toHaveLength(2); // the idle peer saw nothing: no chart
  });
});
