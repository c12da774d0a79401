/**
 * SVG building blocks shared by the report's two diagrams (flow-svg.ts, architecture-svg.ts):
 * escaping, boxes with a title and subtitle, the two arrow kinds and their legend.
 *
 * Arrow kinds are the project's two kinds of connection between Postfix services (DESIGN.md §1):
 *   message — the message itself moves (solid line, class "arrow message");
 *   support — a supporting service is consulted and never holds the message (dashed line,
 *             class "arrow support").
 * Arrowheads are drawn as polygons rather than <marker>s, so several diagrams can live in one
 * HTML document without id clashes.
 */

export type ArrowKind = 'message' | 'support';

/** Escape text for HTML/SVG character data and attribute values. */
export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Approximate width of monospace text at the diagrams' font size (12px). */
export const CHAR_W = 7.3;

export function fit(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  return maxChars <= 1 ? '…' : `${text.slice(0, maxChars - 1)}…`;
}

export interface Point {
  x: number;
  y: number;
}

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Colours of arrows by kind, and of delivery statuses. */
export const COLOURS = {
  message: '#1f2937',
  support: '#2563eb',
  sent: '#15803d',
  deferred: '#b45309',
  bounced: '#b91c1c',
} as const;

export function statusColour(status: string | undefined): string | undefined {
  if (status === 'sent') return COLOURS.sent;
  if (status === 'deferred') return COLOURS.deferred;
  if (status === 'bounced' || status === 'expired' || status === 'undeliverable') return COLOURS.bounced;
  return undefined;
}

/** A service box: title (bold) and an optional subtitle line below it. */
export function box(r: Rect, title: string, subtitle: string | undefined, cls: string, tooltip?: string): string {
  const maxChars = Math.floor((r.w - 10) / CHAR_W);
  const cx = r.x + r.w / 2;
  const ty = subtitle ? r.y + r.h / 2 - 3 : r.y + r.h / 2 + 4;
  return [
    `<g class="${esc(cls)}" data-label="${esc(title)}">`,
    tooltip ? `<title>${esc(tooltip)}</title>` : '',
    `<rect x="${r.x}" y="${r.y}" width="${r.w}" height="${r.h}" rx="6" ry="6"/>`,
    `<text class="node-title" x="${cx}" y="${ty}" text-anchor="middle">${esc(fit(title, maxChars))}</text>`,
    subtitle ? `<text class="node-sub" x="${cx}" y="${ty + 15}" text-anchor="middle">${esc(fit(subtitle, maxChars + 2))}</text>` : '',
    '</g>',
  ].join('');
}

function arrowhead(tip: Point, from: Point, colour: string): string {
  const dx = tip.x - from.x;
  const dy = tip.y - from.y;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const size = 9;
  const half = 4.5;
  const bx = tip.x - ux * size;
  const by = tip.y - uy * size;
  const p = (x: number, y: number) => `${x.toFixed(1)},${y.toFixed(1)}`;
  return `<polygon class="arrowhead" points="${p(tip.x, tip.y)} ${p(bx - uy * half, by + ux * half)} ${p(bx + uy * half, by - ux * half)}" fill="${colour}"/>`;
}

export interface ArrowOptions {
  kind: ArrowKind;
  /** Overrides the kind's colour (delivery status). */
  colour?: string;
  /** Hover text. */
  tooltip?: string;
  /** Extra data-* attributes (e.g. the queue ID). */
  data?: Record<string, string>;
}

/**
 * An arrow along a path: a straight line (two points) or a cubic curve (four points: start,
 * two control points, end). The head points along the last segment.
 */
export function arrow(points: Point[], opts: ArrowOptions): string {
  const colour = opts.colour ?? COLOURS[opts.kind];
  const d =
    points.length === 4
      ? `M${points[0].x},${points[0].y} C${points[1].x},${points[1].y} ${points[2].x},${points[2].y} ${points[3].x},${points[3].y}`
      : `M${points[0].x},${points[0].y} L${points[1].x},${points[1].y}`;
  const dash = opts.kind === 'support' ? ' stroke-dasharray="6 4"' : '';
  const width = opts.kind === 'message' ? 2 : 1.5;
  const data = Object.entries(opts.data ?? {})
    .map(([k, v]) => ` data-${k}="${esc(v)}"`)
    .join('');
  const tip = points[points.length - 1];
  const before = points[points.length - 2];
  return [
    `<g class="arrow ${opts.kind}" data-kind="${opts.kind}"${data}>`,
    opts.tooltip ? `<title>${esc(opts.tooltip)}</title>` : '',
    `<path d="${d}" fill="none" stroke="${colour}" stroke-width="${width}"${dash}/>`,
    arrowhead(tip, before, colour),
    '</g>',
  ].join('');
}

/** The point where the line from the centre of `r` towards `to` leaves the rectangle. */
export function borderPoint(r: Rect, to: Point): Point {
  const cx = r.x + r.w / 2;
  const cy = r.y + r.h / 2;
  const dx = to.x - cx;
  const dy = to.y - cy;
  if (dx === 0 && dy === 0) return { x: cx, y: cy };
  const sx = dx === 0 ? Infinity : r.w / 2 / Math.abs(dx);
  const sy = dy === 0 ? Infinity : r.h / 2 / Math.abs(dy);
  const s = Math.min(sx, sy);
  return { x: cx + dx * s, y: cy + dy * s };
}

export function centre(r: Rect): Point {
  return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
}

/** The legend: one sample of each arrow kind with its meaning. Returns its markup and height. */
export function legend(x: number, y: number): { svg: string; height: number; width: number } {
  const row = (dy: number, kind: ArrowKind, text: string) =>
    arrow([{ x, y: y + dy }, { x: x + 46, y: y + dy }], { kind }) +
    `<text class="legend-text" x="${x + 56}" y="${y + dy + 4}">${esc(text)}</text>`;
  const a = 'message moves (a queue file is written or handed on)';
  const b = 'supporting service consulted (never holds the message)';
  return {
    svg: `<g class="legend">${row(8, 'message', a)}${row(28, 'support', b)}</g>`,
    height: 40,
    width: 56 + Math.max(a.length, b.length) * CHAR_W,
  };
}

/** Wrap diagram content in an <svg> with a title for assistive technology. */
export function svgDocument(cls: string, width: number, height: number, title: string, body: string): string {
  const w = Math.ceil(width);
  const h = Math.ceil(height);
  return `<svg class="${esc(cls)}" xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${esc(title)}"><title>${esc(title)}</title>${body}</svg>`;
}
