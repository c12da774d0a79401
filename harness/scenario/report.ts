/**
 * Turns scenario outcomes into the report files (results.json, junit.xml) through the writers
 * in harness/report, and returns the paths written.
 */
import { mkdirSync } from 'node:fs';
import type { ScenarioOutcome } from './run.ts';
import type { TargetName } from '../targets/types.ts';
import type { KnownDivergence } from './types.ts';
import type { Comparison, RunResult, ScenarioResult } from '../report/types.ts';
import { writeJunitXml, writeResultsJson } from '../report/index.ts';
import { reportConfig, writeHtmlReport } from '../report/html/index.ts';

export interface RunSummary {
  startedAt: string;
  durationMs: number;
  targets: TargetName[];
  outcomes: (ScenarioOutcome & { file: string; comparison?: Comparison })[];
}

export function toRunResult(run: RunSummary): RunResult {
  const scenarios: ScenarioResult[] = run.outcomes.map((o) => ({
    id: o.scenario.id,
    title: o.scenario.title,
    file: o.file,
    target: o.label ?? o.target,
    status: o.status,
    comparison: o.comparison,
    durationMs: o.durationMs,
    failures: o.failures,
    error: o.error,
    observations: o.observation ? { ...JSON.parse(JSON.stringify(o.observation, bufferAsText)), config: reportConfig(o.scenario.config) } : undefined,
    knownDivergences: (o.scenario.knownDivergences ?? []).filter((k) => k.target === o.target && (o.label ?? o.target) === o.target).map(describeDivergence),
  }));
  return { startedAt: run.startedAt, durationMs: run.durationMs, targets: run.targets, scenarios };
}

/** A known divergence in one line: the item, the lines it covers, why. */
function describeDivergence(k: KnownDivergence): string {
  return `${k.item}${k.what === undefined ? '' : ` (lines with ${k.what instanceof RegExp ? k.what.toString() : JSON.stringify(k.what)})`}: ${k.reason}`;
}

/** Buffers (message bytes at sinks) become text in the JSON; RegExps their source. */
function bufferAsText(_key: string, v: unknown): unknown {
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
    return Buffer.from((v as { data: number[] }).data).toString('latin1');
  }
  return v instanceof RegExp ? v.toString() : v;
}

export function writeReports(dir: string, run: RunSummary): string[] {
  mkdirSync(dir, { recursive: true });
  const result = toRunResult(run);
  return [writeResultsJson(dir, result), writeJunitXml(dir, result), writeHtmlReport(dir, result)];
}
