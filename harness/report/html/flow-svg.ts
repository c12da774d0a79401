/**
 * Draws a MessageFlow (flow-model.ts) as an SVG sequence diagram: one column (lifeline) per
 * service, one row per step, top to bottom in log order. Message steps are solid arrows,
 * supporting lookups dashed (see svg.ts); delivery arrows and notes are coloured by status.
 * Every arrow carries data-kind, data-from, data-to and data-qid for tools and tests.
 */
import type { FlowStep, MessageFlow } from './flow-model.ts';
import { MAILBOX, REMOTE } from './flow-model.ts';
import { CHAR_W, arrow, box, esc, fit, legend, statusColour, svgDocument } from './svg.ts';

const COL_W = 136;
const LEFT = 16;
const HEAD_Y = 56;
const HEAD_H = 34;
const ROW_H = 30;

export function renderFlowSvg(flow: MessageFlow, title: string): string {
  const xs = new Map(flow.participants.map((p, i) => [p, LEFT + COL_W / 2 + i * COL_W]));
  const x = (p: string) => xs.get(p) ?? LEFT;
  const top = HEAD_Y + HEAD_H + 18;
  const bottom = top + flow.steps.length * ROW_H + 6;
  let width = LEFT * 2 + flow.participants.length * COL_W;

  const parts: string[] = [];
  const lg = legend(LEFT, 6);
  parts.push(lg.svg);
  width = Math.max(width, LEFT + lg.width + 10);

  for (const p of flow.participants) {
    const external = p === REMOTE || p === MAILBOX;
    parts.push(`<line class="lifeline" x1="${x(p)}" y1="${HEAD_Y + HEAD_H}" x2="${x(p)}" y2="${bottom}"/>`);
    parts.push(box({ x: x(p) - COL_W / 2 + 8, y: HEAD_Y, w: COL_W - 16, h: HEAD_H }, p, undefined, external ? 'node external' : 'node service'));
  }

  flow.steps.forEach((step, i) => {
    const y = top + i * ROW_H + 16;
    const { svg, right } = step.type === 'arrow' ? arrowRow(step, x, y) : noteRow(step, x(step.at), y);
    parts.push(svg);
    width = Math.max(width, right + LEFT);
  });

  return svgDocument('flow-diagram', width, bottom + 10, title, parts.join(''));
}

function arrowRow(step: Extract<FlowStep, { type: 'arrow' }>, x: (p: string) => number, y: number): { svg: string; right: number } {
  const x1 = x(step.from);
  const x2 = x(step.to);
  const dir = x2 >= x1 ? 1 : -1;
  const colour = step.kind === 'message' ? statusColour(step.status) : undefined;
  const tooltip = `${step.from} → ${step.to}: ${step.label}${step.inferred ? ' (inferred)' : ''}`;
  const line = arrow([{ x: x1 + dir * 4, y }, { x: x2 - dir * 4, y }], {
    kind: step.kind,
    colour,
    tooltip,
    data: { from: step.from, to: step.to, ...(step.qid ? { qid: step.qid } : {}) },
  });
  const span = Math.abs(x2 - x1);
  const chars = Math.max(18, Math.floor((span + COL_W * 0.8) / CHAR_W));
  const text = fit(step.label, chars);
  const mid = (x1 + x2) / 2;
  const label = `<text class="flow-label ${step.kind}" x="${mid}" y="${y - 5}" text-anchor="middle">${esc(text)}</text>`;
  return { svg: line + label, right: mid + (text.length * CHAR_W) / 2 };
}

function noteRow(step: Extract<FlowStep, { type: 'note' }>, x: number, y: number): { svg: string; right: number } {
  const text = fit(step.text, 70);
  const w = text.length * CHAR_W + 12;
  const colour = statusColour(step.status) ?? '#6b7280';
  const left = x - 10;
  const svg = [
    `<g class="note" data-at="${esc(step.at)}"${step.qid ? ` data-qid="${esc(step.qid)}"` : ''}>`,
    `<title>${esc(`${step.at}: ${step.text}`)}</title>`,
    `<rect x="${left}" y="${y - 12}" width="${w}" height="20" rx="3" fill="#fffbea" stroke="${colour}"/>`,
    `<text class="note-text" x="${left + 6}" y="${y + 2}" style="fill:${colour}">${esc(text)}</text>`,
    '</g>',
  ].join('');
  return { svg, right: left + w };
}
