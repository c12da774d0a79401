/**
 * results.json: the whole RunResult, pretty-printed, for tools and for the HTML report.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResult } from './types.ts';

/** JSON-safe stand-ins for values JSON.stringify would drop or reject. */
function jsonSafe(_key: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof RegExp) return v.toString();
  if (v instanceof Map) return Object.fromEntries(v);
  if (v instanceof Set) return [...v];
  return v;
}

export function renderResultsJson(run: RunResult): string {
  return `${JSON.stringify(run, jsonSafe, 2)}\n`;
}

/** Write `dir`/results.json (creating `dir`) and return its path. */
export function writeResultsJson(dir: string, run: RunResult): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'results.json');
  writeFileSync(file, renderResultsJson(run));
  return file;
}
