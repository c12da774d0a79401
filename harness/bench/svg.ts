/**
 * Self-contained SVG charts for the benchmark reports (no scripts, no external fonts or
 * styles), readable without bench.json: every bar and point carries its value as text, and
 * each chart has a title, a subtitle (machine, command) and a legend.
 *   barChart   panels of horizontal bars, grouped; optional whisker (e.g. p99 beside p50),
 *              linear or logarithmic scale; a bar without a value shows its reason instead
 *   lineChart  one or more series over categorical x positions
 */

export interface Bar {
  series: string;
  value: number | null;
  /** A second value drawn as a whisker (e.g. p99 when the bar is p50). */
  whisker?: number;
  /** Text shown after the value (or instead of it when value is null). */
  note?: string;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarPanel {
  title: string;
  unit: string;
  log?: boolean;
  groups: BarGroup[];
}

export interface ChartText {
  title: string;
  subtitle: string[];
}

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#b07aa1'];
const FONT = 'font-family="DejaVu Sans, Verdana, sans-serif"';

export function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round tick step (1, 2 or 5 × 10^k) giving about four intervals up to `max`. */
export function niceStep(max: number): number {
  const raw = max / 4;
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const m = raw / pow;
  return (m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10) * pow;
}

/** Shorten text to `max` characters with an ellipsis. */
function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max - 1) + '…';
}

function fmt(n: number): string {
  if (n >= 100) return String(Math.round(n));
  if (n >= 10) return n.toFixed(1).replace(/\.0$/, '');
  return String(Number(n.toPrecision(3)));
}

function header(width: number, height: number, text: ChartText): string[] {
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ${FONT} font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="bold">${esc(text.title)}</text>`,
  ];
  text.subtitle.forEach((line, i) => out.push(`<text x="16" y="${46 + i * 16}" fill="#555">${esc(line)}</text>`));
  return out;
}

function legend(series: string[], x: number, y: number): string[] {
  return series.flatMap((s, i) => [
    `<rect x="${x + i * 190}" y="${y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>`,
    `<text x="${x + i * 190 + 18}" y="${y}">${esc(s)}</text>`,
  ]);
}

export function barChart(text: ChartText, panels: BarPanel[], whiskerLabel?: string): string {
  const width = 900;
  const labelW = 150;
  const plotW = width - labelW - 200;
  const barH = 16;
  const series = [...new Set(panels.flatMap((p) => p.groups.flatMap((g) => g.bars.map((b) => b.series))))];
  let y = 46 + text.subtitle.length * 16 + 14;
  const body: string[] = [...legend(series, 16, y)];
  if (whiskerLabel) body.push(`<text x="${16 + series.length * 190}" y="${y}" fill="#333">── ${esc(whiskerLabel)}</text>`);
  y += 16;
  for (const panel of panels) {
    y += 22;
    body.push(`<text x="16" y="${y}" font-size="14" font-weight="bold">${esc(panel.title)} (${esc(panel.unit)}${panel.log ? ', log scale' : ''})</text>`);
    y += 10;
    const values = panel.groups.flatMap((g) => g.bars.flatMap((b) => [b.value ?? 0, b.whisker ?? 0])).filter((v) => v > 0);
    const max = Math.max(...values, 1e-9);
    const min = Math.min(...values, max);
    const lo = panel.log ? Math.pow(10, Math.floor(Math.log10(min))) : 0;
    const step = niceStep(max * 1.05);
    const hi = panel.log ? Math.pow(10, Math.ceil(Math.log10(max))) : Math.ceil((max * 1.05) / step) * step;
    const scale = (v: number) => labelW + (panel.log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1) : v / hi) * plotW;
    const top = y;
    for (const group of panel.groups) {
      y += 6;
      body.push(`<text x="${labelW - 8}" y="${y + (group.bars.length * (barH + 2)) / 2 + 4}" text-anchor="end" font-weight="bold">${esc(group.label)}</text>`);
      for (const bar of group.bars) {
        const color = COLORS[series.indexOf(bar.series) % COLORS.length];
        if (bar.value === null) {
          body.push(`<text x="${labelW + 4}" y="${y + barH - 4}" fill="#999" font-style="italic">${esc(clip(`${bar.series}: ${bar.note ?? 'not available'}`, 110))}<title>${esc(bar.note ?? '')}</title></text>`);
        } else {
          const x1 = scale(bar.value);
          body.push(`<rect x="${labelW}" y="${y}" width="${Math.max(1, x1 - labelW).toFixed(1)}" height="${barH}" fill="${color}"><title>${esc(`${bar.series}: ${fmt(bar.value)} ${panel.unit}`)}</title></rect>`);
          let end = x1;
          if (bar.whisker !== undefined && bar.whisker > bar.value) {
            const x2 = scale(bar.whisker);
            body.push(`<line x1="${x1.toFixed(1)}" y1="${y + barH / 2}" x2="${x2.toFixed(1)}" y2="${y + barH / 2}" stroke="#333" stroke-width="1.5"/>`);
            body.push(`<line x1="${x2.toFixed(1)}" y1="${y + 3}" x2="${x2.toFixed(1)}" y2="${y + barH - 3}" stroke="#333" stroke-width="1.5"/>`);
            end = x2;
          }
          const label = `${fmt(bar.value)}${bar.whisker !== undefined ? ` / ${fmt(bar.whisker)}` : ''}${bar.note ? `  ${bar.note}` : ''}`;
          body.push(`<text x="${(end + 5).toFixed(1)}" y="${y + barH - 4}">${esc(label)}</text>`);
        }
        y += barH + 2;
      }
    }
    body.push(`<line x1="${labelW}" y1="${top}" x2="${labelW}" y2="${y + 4}" stroke="#333"/>`);
    const ticks = panel.log
      ? Array.from({ length: Math.round(Math.log10(hi) - Math.log10(lo)) + 1 }, (_, i) => lo * Math.pow(10, i))
      : Array.from({ length: Math.round(hi / step) + 1 }, (_, i) => i * step);
    for (const t of ticks) {
      const x = scale(t);
      body.push(`<line x1="${x.toFixed(1)}" y1="${y + 4}" x2="${x.toFixed(1)}" y2="${y + 8}" stroke="#333"/>`);
      body.push(`<text x="${x.toFixed(1)}" y="${y + 20}" text-anchor="middle" fill="#555">${fmt(t)}</text>`);
    }
    y += 26;
  }
  const height = y + 16;
  return [...header(width, height, text), ...body, '</svg>', ''].join('\n');
}

export interface LineSeries {
  name: string;
  /** One value per x position (null = no figure). */
  values: (number | null)[];
  /** Text under each point, one entry per line (e.g. the measured value behind a nominal x). */
  notes?: string[][];
}

export function lineChart(text: ChartText, xLabels: string[], xTitle: string, yTitle: string, series: LineSeries[]): string {
  const width = 900;
  const noteLines = Math.max(0, ...series.flatMap((s) => (s.notes ?? []).map((n) => n.length)));
  const height = 46 + text.subtitle.length * 16 + 400 + noteLines * 14;
  const top = 46 + text.subtitle.length * 16 + 40;
  const [left, plotW, plotH] = [100, width - 220, 280];
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  const yStep = niceStep(Math.max(...all, 1) * 1.15);
  const hi = Math.ceil((Math.max(...all, 1) * 1.15) / yStep) * yStep;
  const xAt = (i: number) => left + (xLabels.length === 1 ? plotW / 2 : (i / (xLabels.length - 1)) * plotW);
  const yAt = (v: number) => top + plotH - (v / hi) * plotH;
  const body: string[] = [...legend(series.map((s) => s.name), 16, top - 18)];
  body.push(`<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="#333"/>`);
  body.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  for (let k = 0; k <= Math.round(hi / yStep); k++) {
    const v = k * yStep;
    body.push(`<line x1="${left}" y1="${yAt(v).toFixed(1)}" x2="${left + plotW}" y2="${yAt(v).toFixed(1)}" stroke="#ddd"/>`);
    body.push(`<text x="${left - 6}" y="${(yAt(v) + 4).toFixed(1)}" text-anchor="end" fill="#555">${fmt(v)}</text>`);
  }
  xLabels.forEach((label, i) => {
    body.push(`<text x="${xAt(i).toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle">${esc(label)}</text>`);
  });
  body.push(`<text x="${left + plotW / 2}" y="${top + plotH + 48 + noteLines * 14}" text-anchor="middle" font-weight="bold">${esc(xTitle)}</text>`);
  body.push(`<text x="20" y="${top + plotH / 2}" transform="rotate(-90 20 ${top + plotH / 2})" text-anchor="middle" font-weight="bold">${esc(yTitle)}</text>`);
  series.forEach((s, si) => {
    const color = COLORS[si % COLORS.length];
    const pts = s.values.flatMap((v, i) => (v === null ? [] : [`${xAt(i).toFixed(1)},${yAt(v).toFixed(1)}`]));
    body.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    s.values.forEach((v, i) => {
      if (v === null) {
        body.push(`<text x="${xAt(i).toFixed(1)}" y="${top + plotH - 8}" text-anchor="middle" fill="#999" font-style="italic">n/a</text>`);
        return;
      }
      body.push(`<circle cx="${xAt(i).toFixed(1)}" cy="${yAt(v).toFixed(1)}" r="4" fill="${color}"/>`);
      body.push(`<text x="${xAt(i).toFixed(1)}" y="${(yAt(v) - 9).toFixed(1)}" text-anchor="middle">${fmt(v)}</text>`);
      (s.notes?.[i] ?? []).forEach((line, k) => {
        body.push(`<text x="${xAt(i).toFixed(1)}" y="${top + plotH + 34 + k * 14}" text-anchor="middle" fill="#555" font-size="11">${esc(line)}</text>`);
      });
    });
  });
  return [...header(width, height, text), ...body, '</svg>', ''].join('\n');
}
