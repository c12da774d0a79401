import { describe, expect, it } from 'vitest';
import { barChart, lineChart } from './svg.ts';

const text = { title: 'Resolve <latency>', subtitle: ['machine: test & co'] };

describe('bench SVG charts', () => {
  it('draws bars with values, whiskers, unavailable notes and escaped text', () => {
    const svg = barChart(
      text,
      [{ title: 'resolve', unit: 'µs', log: true, groups: [{ label: 'lmdb', bars: [
        { series: 'postfix', value: 63, whisker: 250 },
        { series: 'reference', value: null, note: 'not available: no pgsql' },
      ] }] }],
      'p99',
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('Resolve &lt;latency&gt;');
    expect(svg).toContain('machine: test &amp; co');
    expect(svg).toContain('>63 / 250<');
    expect(svg).toContain('reference: not available: no pgsql');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it('draws a line per series with a label at every point', () => {
    const svg = lineChart(text, ['none', '0 ms', '5 ms'], 'added latency', 'delivered/s', [
      { name: 'postfix', values: [150, 140, null], notes: [[], ['measured 0.01 ms', '2 lookups/msg'], []] },
    ]);
    expect(svg).toContain('<polyline');
    expect(svg).toContain('>150<');
    expect(svg).toContain('>measured 0.01 ms<');
    expect(svg).toContain('>2 lookups/msg<');
    expect(svg).toContain('>n/a<');
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });
});
