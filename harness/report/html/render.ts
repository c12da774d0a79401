/**
 * reports/index.html: one self-contained HTML page for a RunResult (inline CSS and SVG, no
 * scripts, no network; a Content-Security-Policy says so to the browser).
 *
 * Contents: a summary (per target: passed / failed / error), a scenario × target matrix, the
 * architecture diagram of the run's master.cf, then one section per scenario with every
 * target's outcome side by side: failures with their diffs, the error, known divergences with
 * their reasons, the message-flow diagram drawn from the observed maillog events, the paths per
 * queue ID, the concurrency timeline of each capture peer, the SMTP transcripts and the raw
 * maillog.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOT_COMPARED_LABEL, type RunResult, type ScenarioResult } from '../types.ts';
import { readObservations, type ObservationView } from './observations.ts';
import { buildMessageFlow } from './flow-model.ts';
import { renderFlowSvg } from './flow-svg.ts';
import { buildArchitecture, type ScenarioConfig } from './architecture-model.ts';
import { renderArchitectureSvg } from './architecture-svg.ts';
import { esc } from './svg.ts';
import { renderTimelineSvg } from './timeline-svg.ts';
import { concurrencyTimeline } from '../../sink/schedule.ts';
import type { SinkConnection } from '../../sink/types.ts';
import { STYLE } from './style.ts';

const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

interface ScenarioGroup {
  id: string;
  title: string;
  file: string;
  results: Map<string, ScenarioResult>;
}

function groupByScenario(run: RunResult): ScenarioGroup[] {
  const groups = new Map<string, ScenarioGroup>();
  for (const r of run.scenarios) {
    let g = groups.get(r.id);
    if (!g) groups.set(r.id, (g = { id: r.id, title: r.title, file: r.file, results: new Map() }));
    g.results.set(r.target, r);
  }
  return [...groups.values()];
}

/** Targets in the run's order, plus any that only appear in results. */
function targetsOf(run: RunResult): string[] {
  const out = [...run.targets];
  for (const r of run.scenarios) if (!out.includes(r.target)) out.push(r.target);
  return out;
}

/** An id usable in a URL fragment. */
function anchor(id: string): string {
  return `scenario-${id.replace(/[^A-Za-z0-9_-]+/g, '-')}`;
}

function badge(status: string): string {
  return `<span class="badge ${esc(status)}">${esc(status)}</span>`;
}

/** A result's badge, with a second one when nobody compared it with Postfix. */
function resultBadges(r: ScenarioResult): string {
  return r.comparison === 'not-compared' ? `${badge(r.status)} <span class="badge not-compared">${esc(NOT_COMPARED_LABEL)}</span>` : badge(r.status);
}

function summary(run: RunResult, targets: string[]): string {
  const rows = targets.map((t) => {
    const rs = run.scenarios.filter((s) => s.target === t);
    const n = (st: string) => rs.filter((s) => s.status === st).length;
    const uncompared = rs.filter((s) => s.comparison === 'not-compared').length;
    return `<tr data-target="${esc(t)}"><th>${esc(t)}</th><td class="num passed">${n('passed')}</td><td class="num failed">${n('failed')}</td><td class="num error">${n('error')}</td><td class="num not-compared">${uncompared}</td><td class="num">${rs.length}</td></tr>`;
  });
  return `<table class="summary" id="summary"><thead><tr><th>target</th><th>passed</th><th>failed</th><th>error</th><th>${esc(NOT_COMPARED_LABEL)}</th><th>total</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function matrix(groups: ScenarioGroup[], targets: string[]): string {
  const head = targets.map((t) => `<th>${esc(t)}</th>`).join('');
  const rows = groups.map((g) => {
    const cells = targets.map((t) => `<td>${g.results.has(t) ? resultBadges(g.results.get(t)!) : badge('missing')}</td>`).join('');
    return `<tr><th><a href="#${anchor(g.id)}">${esc(g.id)}</a></th>${cells}</tr>`;
  });
  return `<table class="summary matrix"><thead><tr><th>scenario</th>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** A unified-diff-ish text with + and - lines coloured. */
function diffBlock(diff: string): string {
  const lines = diff.split('\n').map((l) => {
    const cls = /^\+/.test(l) ? 'add' : /^-/.test(l) ? 'del' : '';
    return cls ? `<span class="${cls}">${esc(l)}</span>` : esc(l);
  });
  return `<pre class="diff">${lines.join('\n')}</pre>`;
}

function failures(r: ScenarioResult): string {
  const out: string[] = [];
  if (r.error) out.push(`<h3>error</h3><pre class="error">${esc(r.error)}</pre>`);
  if (r.failures.length) {
    const items = r.failures.map((f) => `<li><div class="expectation">${esc(f.expectation)}</div>${diffBlock(f.diff)}</li>`);
    out.push(`<h3>failures (${r.failures.length})</h3><ul class="failures">${items.join('')}</ul>`);
  }
  if (r.knownDivergences?.length) {
    const items = r.knownDivergences.map((d) => {
      const i = d.indexOf(': ');
      return i < 0 ? `<li>${esc(d)}</li>` : `<li><strong>${esc(d.slice(0, i))}</strong> — ${esc(d.slice(i + 2))}</li>`;
    });
    out.push(`<h3>known divergences</h3><ul class="divergences">${items.join('')}</ul>`);
  }
  return out.join('');
}

function flowSection(r: ScenarioResult, obs: ObservationView): string {
  const flow = buildMessageFlow(obs.events, obs.transcripts, obs.config);
  if (!flow.steps.length) return '<h3>message flow</h3><p class="muted">No message flow was observed (no queue file was made).</p>';
  const svg = renderFlowSvg(flow, `message flow of ${r.id} on ${r.target}`);
  const paths = Object.entries(flow.paths).map(([qid, p]) => `<li><strong>${esc(qid)}</strong>: ${esc(p.join(' → '))}</li>`);
  return [
    '<h3>message flow</h3>',
    `<div class="diagram">${svg}</div>`,
    '<p class="muted">Solid arrows and notes come from maillog lines; dashed lookups are inferred from them and from the configuration (Postfix does not log lookups).</p>',
    paths.length ? `<ol class="paths">${paths.join('')}</ol>` : '',
  ].join('');
}

/** One step chart per capture peer that saw connections: how many were open at once over time. */
function timelines(r: ScenarioResult, obs: ObservationView): string {
  const charts = Object.entries(obs.sinks)
    .filter(([, conns]) => conns.length > 0)
    .map(([name, conns]) => {
      // The timeline reads only the connection times; the rest of a connection record is not needed.
      const points = concurrencyTimeline(conns.map((c, i) => ({ ...c, id: i + 1, remoteAddress: '', remotePort: 0, transactions: [], commands: [] }) satisfies SinkConnection));
      const peak = Math.max(0, ...points.map((p) => p.open));
      return `<figure class="timeline" data-sink="${esc(name)}"><figcaption>${esc(name)}: ${conns.length} connection(s), at most ${peak} at once</figcaption>${renderTimelineSvg(points, `concurrent connections to ${name} on ${r.target}`)}</figure>`;
    });
  return charts.length ? `<h3>connections over time</h3>${charts.join('')}` : '';
}

function transcripts(obs: ObservationView): string {
  if (!obs.transcripts.length) return '';
  const blocks = obs.transcripts.map((t) => {
    const lines = t.lines.map((l) => `<span class="${l.dir === 'C' ? 'c' : 's'}">${l.dir}: ${esc(l.text)}</span>`);
    return `<details class="transcript" open><summary>${esc(t.name)} (${t.lines.length} lines)</summary><pre>${lines.join('\n')}</pre></details>`;
  });
  return `<h3>SMTP transcripts</h3>${blocks.join('')}`;
}

function targetColumn(target: string, r: ScenarioResult | undefined): string {
  if (!r) return `<div class="target" data-target="${esc(target)}"><h3>${esc(target)} ${badge('missing')}</h3><p class="muted">Not run on this target.</p></div>`;
  const obs = readObservations(r.observations);
  return [
    `<div class="target" data-target="${esc(target)}" data-status="${esc(r.status)}">`,
    `<h3>${esc(target)} ${resultBadges(r)} <span class="muted">${(r.durationMs / 1000).toFixed(1)} s</span></h3>`,
    failures(r),
    flowSection(r, obs),
    timelines(r, obs),
    transcripts(obs),
    obs.maillog ? `<details class="maillog"><summary>maillog</summary><pre>${esc(obs.maillog)}</pre></details>` : '',
    '</div>',
  ].join('');
}

function scenarioSection(g: ScenarioGroup, targets: string[]): string {
  const shown = targets.filter((t) => g.results.has(t));
  const cols = shown.length ? shown : targets;
  const columns = cols.map((t) => targetColumn(t, g.results.get(t)));
  return [
    `<section class="scenario" id="${anchor(g.id)}" data-scenario="${esc(g.id)}">`,
    `<h2>${esc(g.title)}</h2>`,
    `<div class="meta">${esc(g.id)} — ${esc(g.file)}</div>`,
    `<div class="targets" style="grid-template-columns: repeat(${cols.length}, minmax(0, 1fr))">${columns.join('')}</div>`,
    '</section>',
  ].join('');
}

function architecture(groups: ScenarioGroup[]): string {
  const configs: ScenarioConfig[] = [];
  for (const g of groups) {
    for (const r of g.results.values()) {
      const c = readObservations(r.observations).config;
      if (c) {
        configs.push({ scenario: g.id, config: c });
        break;
      }
    }
  }
  if (!configs.length) return '<h2>architecture</h2><p class="muted">No master.cf was recorded with this run.</p>';
  const arch = buildArchitecture(configs);
  const errors = arch.errors.length ? `<pre class="error">${esc(arch.errors.join('\n'))}</pre>` : '';
  return [
    '<section id="architecture">',
    '<h2>architecture</h2>',
    `<p class="muted">The services the run's master.cf defines (${arch.nodes.length} entries) and how Postfix connects them. Dotted borders: defined by some scenarios only.</p>`,
    errors,
    `<div class="diagram">${renderArchitectureSvg(arch, "services of the run's master.cf")}</div>`,
    '</section>',
  ].join('');
}

export function renderHtmlReport(run: RunResult): string {
  const targets = targetsOf(run);
  const groups = groupByScenario(run);
  const failed = run.scenarios.filter((s) => s.status !== 'passed').length;
  const uncompared = run.scenarios.filter((s) => s.comparison === 'not-compared').length;
  const verdict =
    (failed ? `${failed} of ${run.scenarios.length} scenario runs did not pass` : `all ${run.scenarios.length} scenario runs passed`) +
    (uncompared ? `; ${uncompared} ${NOT_COMPARED_LABEL}` : '');
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${CSP}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>twinpost report — ${esc(verdict)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    '<header><h1>twinpost conformance report</h1>',
    `<div class="meta">started ${esc(run.startedAt)} · ${(run.durationMs / 1000).toFixed(1)} s · targets: ${esc(targets.join(', ') || 'none')} · <strong>${esc(verdict)}</strong></div></header>`,
    summary(run, targets),
    matrix(groups, targets),
    architecture(groups),
    ...groups.map((g) => scenarioSection(g, targets)),
    '</body></html>',
    '',
  ].join('\n');
}

/** Write `dir`/index.html (creating `dir`) and return its path. */
export function writeHtmlReport(dir: string, run: RunResult): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'index.html');
  writeFileSync(file, renderHtmlReport(run));
  return file;
}
