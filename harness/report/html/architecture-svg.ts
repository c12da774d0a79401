/**
 * Draws an Architecture (architecture-model.ts) as SVG: the message path left to right in
 * columns (sources → cleanup → qmgr, with the bounce family below it → delivery agents), the
 * supporting services in a band underneath, solid message edges and dashed support edges, and
 * the legend. An edge that runs right-to-left past a column (local → cleanup) arcs over the
 * top. Entries that only some scenarios define get a dotted border.
 */
import type { ArchNode, Architecture } from './architecture-model.ts';
import { arrow, borderPoint, box, centre, esc, legend, svgDocument, type Point, type Rect } from './svg.ts';

const NODE_W = 150;
const NODE_H = 42;
const COL_GAP = 90;
const ROW_GAP = 14;
const LEFT = 20;
const SUPPORT_PER_ROW = 5;

const COLUMN: Record<ArchNode['place'], number> = { source: 0, cleanup: 1, qmgr: 2, notify: 2, agent: 3, support: -1 };

function title(n: ArchNode): { title: string; subtitle?: string } {
  if (n.type === 'inet') return { title: n.command, subtitle: n.service };
  return n.command === n.service ? { title: n.service } : { title: n.service, subtitle: n.command };
}

export function renderArchitectureSvg(arch: Architecture, heading: string): string {
  const lg = legend(LEFT, 8);
  const top = 8 + lg.height + 80; // room for arcs above the columns
  const rects = new Map<string, Rect>();
  const colX = (c: number) => LEFT + c * (NODE_W + COL_GAP);

  // message path: stack each column; the bounce family goes under qmgr
  const columns: ArchNode[][] = [[], [], [], []];
  for (const n of arch.nodes) if (n.place !== 'support') columns[COLUMN[n.place]].push(n);
  columns[2].sort((a, b) => Number(a.place === 'notify') - Number(b.place === 'notify'));
  let bandBottom = top;
  columns.forEach((col, c) => {
    col.forEach((n, i) => {
      const r = { x: colX(c), y: top + i * (NODE_H + ROW_GAP) + (n.place === 'notify' ? ROW_GAP * 2 : 0), w: NODE_W, h: NODE_H };
      rects.set(n.key, r);
      bandBottom = Math.max(bandBottom, r.y + r.h);
    });
  });

  // supporting services underneath
  const supportTop = bandBottom + 90;
  const support = arch.nodes.filter((n) => n.place === 'support');
  const slotW = NODE_W + 24;
  placeSupport(arch, support, rects).forEach((slot, key) => {
    const row = Math.floor(slot / SUPPORT_PER_ROW);
    rects.set(key, { x: LEFT + (slot % SUPPORT_PER_ROW) * slotW, y: supportTop + row * (NODE_H + ROW_GAP + 10), w: NODE_W, h: NODE_H });
  });
  const allRects = [...rects.values()];
  const width = Math.max(LEFT + lg.width + 10, ...allRects.map((r) => r.x + r.w + LEFT), colX(4));
  const height = Math.max(...allRects.map((r) => r.y + r.h), top) + 24;

  const byKey = new Map(arch.nodes.map((n) => [n.key, n]));
  const parts: string[] = [lg.svg];
  if (support.length) {
    parts.push(`<text class="band-label" x="${LEFT}" y="${supportTop - 12}">supporting services (consulted, never hold the message)</text>`);
  }
  parts.push(`<text class="band-label" x="${LEFT}" y="${top - 8}">message path</text>`);
  for (const e of arch.edges) {
    const a = rects.get(e.from);
    const b = rects.get(e.to);
    const from = byKey.get(e.from);
    const to = byKey.get(e.to);
    if (!a || !b || !from || !to) continue;
    const arc = from.place !== 'support' && to.place !== 'support' && COLUMN[to.place] < COLUMN[from.place] - 1;
    const path = edgePath(a, b, arc, top, from.place === 'qmgr' && to.place === 'notify' && a.x === b.x);
    parts.push(arrow(path, { kind: e.kind, tooltip: `${e.from} → ${e.to}: ${e.label}`, data: { from: e.from, to: e.to } }));
    if (arc) parts.push(`<text class="band-label" x="${(path[0].x + path[3].x) / 2}" y="${path[1].y - 8}" text-anchor="middle">${esc(`${from.service} → ${to.service}: ${e.label}`)}</text>`);
  }
  for (const n of arch.nodes) {
    const r = rects.get(n.key)!;
    const t = title(n);
    const cls = `node service place-${n.place}${n.onlyIn ? ' partial' : ''}`;
    const tip = `${n.service} ${n.type} → ${n.command}${n.onlyIn ? ` (only in ${n.onlyIn.join(', ')})` : ''}`;
    parts.push(box(r, t.title, t.subtitle, cls, tip));
  }
  return svgDocument('architecture-diagram', width, height, heading, parts.join(''));
}

/**
 * Slots for the supporting services (row-major, SUPPORT_PER_ROW a row): each service connected
 * to the message path goes to the free slot nearest the mean x of its clients, so its dashed
 * edges stay short; the others fill the remaining slots in master.cf order.
 */
function placeSupport(arch: Architecture, support: ArchNode[], rects: Map<string, Rect>): Map<string, number> {
  const slotW = NODE_W + 24;
  const wanted = (n: ArchNode): number | undefined => {
    const xs = arch.edges
      .filter((e) => e.to === n.key || e.from === n.key)
      .map((e) => rects.get(e.to === n.key ? e.from : e.to))
      .filter((r): r is Rect => r !== undefined)
      .map((r) => r.x + r.w / 2);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : undefined;
  };
  const withX = support.map((n) => ({ n, x: wanted(n) }));
  const slots = new Map<string, number>();
  const taken = new Set<number>();
  const free = (row: number) => [...Array(SUPPORT_PER_ROW).keys()].map((c) => row * SUPPORT_PER_ROW + c).filter((s) => !taken.has(s));
  for (const { n, x } of withX.filter((w) => w.x !== undefined).sort((a, b) => a.x! - b.x!)) {
    let row = 0;
    while (!free(row).length) row++;
    const best = free(row).sort((a, b) => Math.abs(LEFT + (a % SUPPORT_PER_ROW) * slotW + NODE_W / 2 - x!) - Math.abs(LEFT + (b % SUPPORT_PER_ROW) * slotW + NODE_W / 2 - x!))[0];
    taken.add(best);
    slots.set(n.key, best);
  }
  let next = 0;
  for (const { n } of withX.filter((w) => w.x === undefined)) {
    while (taken.has(next)) next++;
    taken.add(next);
    slots.set(n.key, next);
  }
  return slots;
}

/**
 * Straight between neighbours; a backward edge that skips a column (local → cleanup) leaves the
 * source's left side, rises through the gap between columns and comes down onto the target.
 */
function edgePath(a: Rect, b: Rect, arc: boolean, top: number, below: boolean): Point[] {
  if (below) {
    // qmgr → the bounce family stacked under it: curve down its right-hand side
    const start = { x: a.x + a.w - 14, y: a.y + a.h };
    const end = { x: b.x + b.w, y: b.y + b.h / 2 };
    return [start, { x: start.x + 10, y: end.y - 10 }, { x: end.x + 28, y: end.y }, end];
  }
  if (!arc) return [borderPoint(a, centre(b)), borderPoint(b, centre(a))];
  const start = { x: a.x, y: a.y + a.h / 2 };
  const end = { x: b.x + b.w / 2, y: b.y };
  const lift = top - 45;
  return [start, { x: a.x - COL_GAP, y: lift }, { x: end.x, y: lift - 20 }, end];
}
