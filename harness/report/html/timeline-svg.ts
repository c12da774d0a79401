/**
 * The concurrency timeline of one capture peer as a small inline SVG step chart: how many
 * connections the mail system had open to the peer over time, from its first connection on
 * (harness/sink/schedule.ts concurrencyTimeline). render.ts draws one per sink in each
 * target's column, so Postfix's and the reference's scheduling sit side by side (issue 23).
 */
import type { TimelinePoint } from '../../sink/schedule.ts';
import { esc } from './svg.ts';

/** Drawing area and margins, in SVG user units. */
const WIDTH = 320;
const HEIGHT = 90;
const LEFT = 28;
const BOTTOM = 16;
const TOP = 6;
const RIGHT = 6;

/** The step line's path: horizontal while the count holds, vertical where it changes. */
export function timelinePath(points: readonly TimelinePoint[], endT: number, maxOpen: number): string {
  if (!points.length) return '';
  const sx = (t: number) => LEFT + (endT > 0 ? (t / endT) * (WIDTH - LEFT - RIGHT) : 0);
  const sy = (n: number) => HEIGHT - BOTTOM - (maxOpen > 0 ? (n / maxOpen) * (HEIGHT - BOTTOM - TOP) : 0);
  const r = (v: number) => Math.round(v * 10) / 10;
  const parts = [`M${r(sx(0))},${r(sy(0))}`];
  for (const p of points) parts.push(`H${r(sx(p.t))}`, `V${r(sy(p.open))}`);
  parts.push(`H${r(sx(endT))}`);
  return parts.join(' ');
}

/** The chart for one peer's timeline, with its peak and duration written on the axes. */
export function renderTimelineSvg(points: readonly TimelinePoint[], title: string): string {
  const endT = points.length ? points[points.length - 1]!.t : 0;
  const maxOpen = Math.max(0, ...points.map((p) => p.open));
  const axis = `M${LEFT},${TOP} V${HEIGHT - BOTTOM} H${WIDTH - RIGHT}`;
  return [
    `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${esc(title)}">`,
    `<title>${esc(title)}</title>`,
    `<path d="${axis}" fill="none" stroke="#888" stroke-width="1"/>`,
    `<path class="concurrency" d="${timelinePath(points, endT, maxOpen)}" fill="none" stroke="#2a6fdb" stroke-width="1.5"/>`,
    `<text x="${LEFT - 4}" y="${TOP + 8}" text-anchor="end" font-size="10">${maxOpen}</text>`,
    `<text x="${LEFT - 4}" y="${HEIGHT - BOTTOM}" text-anchor="end" font-size="10">0</text>`,
    `<text x="${WIDTH - RIGHT}" y="${HEIGHT - 3}" text-anchor="end" font-size="10">${(endT / 1000).toFixed(1)} s</text>`,
    '</svg>',
  ].join('');
}
