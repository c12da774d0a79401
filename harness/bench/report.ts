/**
 * Benchmark output: reports/bench.json (one section per benchmark, each run replacing only its
 * own section, with the machine, the exact command and the time), an SVG chart per benchmark,
 * the plain-text tables printed at the end of a run, and the README's "## Benchmarks" section.
 */
import { cpus, hostname, loadavg, release, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { RewriteBenchResult, RewriteColumn } from './rewrite.ts';
import { REWRITE_COLUMNS } from './rewrite.ts';
import type { ThroughputResult } from './throughput.ts';
import type { TableLatencyResult } from './table-latency.ts';
import { barChart, lineChart, type BarPanel, type ChartText } from './svg.ts';
import { configArgs } from '../../reference/config/installed-postfix.ts';

export interface Machine {
  host: string;
  cpu: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  postfix: string;
  /** 1-minute load average when the run started and ended (other work on the machine). */
  loadAverage: { start: number; end: number };
}

export function machineInfo(loadAtStart: number): Machine {
  let postfix = 'not installed';
  try {
    postfix = execFileSync('postconf', [...configArgs(), '-h', 'mail_version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    /* keep "not installed" */
  }
  return {
    host: hostname(),
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    kernel: release(),
    node: process.version,
    postfix,
    loadAverage: { start: Number(loadAtStart.toFixed(2)), end: Number(loadavg()[0]!.toFixed(2)) },
  };
}

export interface Section<T> {
  command: string;
  finishedAt: string;
  durationS: number;
  machine: Machine;
  result: T;
}

export interface BenchJson {
  rewrite?: Section<RewriteBenchResult>;
  throughput?: Section<ThroughputResult>;
  tableLatency?: Section<TableLatencyResult>;
}

export function readBenchJson(dir: string): BenchJson {
  const file = join(dir, 'bench.json');
  if (!existsSync(file)) return {};
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as BenchJson;
  } catch {
    return {};
  }
}

/** Store one benchmark's section (the others stay) and write its chart; returns the files written. */
export function writeSection<K extends keyof BenchJson>(dir: string, key: K, section: NonNullable<BenchJson[K]>): string[] {
  mkdirSync(dir, { recursive: true });
  const all = readBenchJson(dir);
  all[key] = section;
  const json = join(dir, 'bench.json');
  writeFileSync(json, JSON.stringify(all, null, 2) + '\n');
  const [name, svg] = chartFor(key, section);
  const chart = join(dir, name);
  writeFileSync(chart, svg);
  return [json, chart];
}

function subtitle(s: Section<unknown>): string[] {
  const m = s.machine;
  return [
    `${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, Postfix ${m.postfix}; load average ${m.loadAverage.start} → ${m.loadAverage.end}`,
    `${s.command}   (${s.finishedAt})`,
  ];
}

function chartFor(key: keyof BenchJson, section: Section<unknown>): [string, string] {
  switch (key) {
    case 'rewrite':
      return ['bench-rewrite.svg', rewriteChart(section as Section<RewriteBenchResult>)];
    case 'throughput':
      return ['bench-throughput.svg', throughputChart(section as Section<ThroughputResult>)];
    case 'tableLatency':
      return ['bench-table-latency.svg', tableLatencyChart(section as Section<TableLatencyResult>)];
  }
}

export function rewriteChart(s: Section<RewriteBenchResult>): string {
  const text: ChartText = { title: 'trivial-rewrite: latency per request, p50 bar and p99 whisker (lower is better)', subtitle: subtitle(s) };
  const panel = (op: 'resolve' | 'rewrite'): BarPanel => ({
    title: op === 'resolve' ? 'resolve (qmgr, smtpd)' : 'rewrite local (cleanup)',
    unit: 'µs',
    log: true,
    groups: s.result.rows.map((row) => ({
      label: row.table,
      bars: REWRITE_COLUMNS.map((c: RewriteColumn) => {
        const r = row.columns[c];
        if (r.status !== 'ok') return { series: c, value: null, note: r.reason };
        const ratio = r.ratioToPostfix ? `  ×${op === 'resolve' ? r.ratioToPostfix.resolveP50 : r.ratioToPostfix.rewriteP50} of postfix` : '';
        return { series: c, value: r[op].p50, whisker: r[op].p99, note: ratio.trim() };
      }),
    })),
  });
  return barChart(text, [panel('resolve'), panel('rewrite')], 'p99');
}

export function throughputChart(s: Section<ThroughputResult>): string {
  const r = s.result;
  const text: ChartText = {
    title: 'End-to-end throughput: SMTP in, relayed to a capture sink',
    subtitle: [...subtitle(s), `${r.messages} messages of ${r.sizeBytes} bytes, ${r.recipients} recipient(s) each, ${r.sessions} concurrent SMTP sessions`],
  };
  const names = Object.keys(r.targets);
  const bars = (pick: (t: Extract<ThroughputResult['targets'][string], { status: 'ok' }>) => { value: number; whisker?: number }) =>
    names.map((name) => {
      const t = r.targets[name]!;
      if (t.status === 'ok') return { series: name, ...pick(t) };
      // An incomplete run: its figures over what arrived, marked as such.
      if (t.partial) return { series: name, ...pick(t.partial), note: `incomplete run: ${t.partial.delivered} of ${r.messages} arrived` };
      return { series: name, value: null, note: t.reason };
    });
  const panels: BarPanel[] = [
    { title: 'rates (higher is better)', unit: 'messages/s', groups: [
      { label: 'accepted/s', bars: bars((t) => ({ value: t.acceptedPerSec })) },
      { label: 'delivered/s', bars: bars((t) => ({ value: t.deliveredPerSec })) },
    ] },
    { title: 'acceptance → delivery latency, p50 bar, p99 whisker', unit: 'ms', groups: [{ label: 'latency', bars: bars((t) => ({ value: t.latencyMs.p50, whisker: t.latencyMs.p99 })) }] },
    { title: 'peak memory (summed RSS of the target\'s processes)', unit: 'MiB', groups: [{ label: 'peak RSS', bars: bars((t) => ({ value: t.peakRssMiB })) }] },
  ];
  return barChart(text, panels, 'p99');
}

export function tableLatencyChart(s: Section<TableLatencyResult>): string {
  const r = s.result;
  const text: ChartText = {
    title: 'Real Postfix: delivered/s against added transport table latency',
    subtitle: [...subtitle(s), `${r.messages} messages per point, ${r.sessions} SMTP sessions; transport_maps = ${r.table}`],
  };
  const labels = r.points.map((p) => (p.addedMs === null ? 'no table' : `+${p.addedMs} ms`));
  const delivered = r.points.map((p) => (p.result.status === 'ok' ? p.result.deliveredPerSec : null));
  const notes = r.points.map((p) => [
    ...(p.measuredMs === undefined ? ['(baseline)'] : [`measured +${p.measuredMs} ms`, `${p.lookupsPerMessage} lookups/msg`]),
    ...(p.result.status === 'ok' ? [`latency p50 ${p.result.latencyMs.p50} ms`] : []),
  ]);
  return lineChart(text, labels, 'added latency per transport_maps lookup (nominal; measured below)', 'delivered messages/s', [
    { name: 'postfix delivered/s', values: delivered, notes },
  ]);
}

/* ---------------- text tables ---------------- */

export function rewriteTable(r: RewriteBenchResult): string {
  const lines = [`trivial-rewrite latency, µs (p50 / p90 / p99 / max, requests/s, ratio of p50 and p99 to postfix); ${r.requestsPerColumn} requests per column`];
  for (const row of r.rows) {
    lines.push(`  ${row.table}`);
    for (const c of REWRITE_COLUMNS) {
      const x = row.columns[c];
      if (x.status !== 'ok') {
        lines.push(`    ${c.padEnd(20)} ${x.reason}`);
        continue;
      }
      for (const op of ['resolve', 'rewrite'] as const) {
        const l = x[op];
        const ratio = x.ratioToPostfix ? `  ×${x.ratioToPostfix[`${op}P50`]} / ×${x.ratioToPostfix[`${op}P99`]}` : '';
        const rate = op === 'resolve' ? x.resolvePerSec : x.rewritePerSec;
        lines.push(`    ${(op === 'resolve' ? c : '').padEnd(20)} ${op.padEnd(8)} ${l.p50} / ${l.p90} / ${l.p99} / ${l.max}  ${rate}/s${ratio}`);
      }
    }
  }
  return lines.join('\n');
}

export function throughputTable(r: ThroughputResult): string {
  const lines = [`throughput: ${r.messages} messages × ${r.recipients} recipient(s), ${r.sizeBytes} bytes, ${r.sessions} sessions`];
  for (const [name, t] of Object.entries(r.targets)) {
    if (t.status !== 'ok') {
      lines.push(`  ${name.padEnd(10)} ${t.reason}`);
      const p = t.partial;
      if (p) lines.push(`  ${''.padEnd(10)} partial, over the ${p.delivered} that arrived: ${p.acceptedPerSec} accepted/s, ${p.deliveredPerSec} delivered/s, latency p50 ${p.latencyMs.p50} ms, peak RSS ${p.peakRssMiB} MiB`);
    }
    else lines.push(`  ${name.padEnd(10)} ${t.acceptedPerSec} accepted/s, ${t.deliveredPerSec} delivered/s, latency p50 ${t.latencyMs.p50} ms p99 ${t.latencyMs.p99} ms, peak RSS ${t.peakRssMiB} MiB (${t.peakProcesses} processes)`);
  }
  if (r.ratios) lines.push(`  reference ÷ postfix: delivered/s ×${r.ratios.deliveredPerSec}, peak memory ×${r.ratios.peakRss}`);
  return lines.join('\n');
}

export function tableLatencyTable(r: TableLatencyResult): string {
  const lines = [`real Postfix, transport_maps = ${r.table}: delivered/s by added per-lookup latency`];
  for (const p of r.points) {
    const label = p.addedMs === null ? 'no table' : `+${p.addedMs} ms (measured ${p.measuredMs} ms, ${p.lookupsPerMessage} lookups/msg)`;
    lines.push(`  ${label.padEnd(52)} ${p.result.status === 'ok' ? `${p.result.deliveredPerSec} delivered/s, latency p50 ${p.result.latencyMs.p50} ms` : p.result.reason}`);
  }
  return lines.join('\n');
}
