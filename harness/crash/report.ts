/**
 * reports/queue-invariants.json: what the queue-invariant suites found, for the HTML report.
 * Sections are merged, so the model-based suite (property/queue), the queue-file properties
 * (property/queuefile) and the crash runs (harness/crash, per target) each update their own
 * part: { model?: ..., queuefile?: ..., crash?: { postfix?: ..., reference?: ... } }.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const QUEUE_REPORT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'reports', 'queue-invariants.json');

type Json = Record<string, unknown>;

function read(path: string): Json {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Json;
  } catch {
    return {};
  }
}

/** Merge `patch` into the report, stamping the update time: `crash` is merged per target,
 *  any other section is replaced whole. */
export function updateQueueReport(patch: Json, path = QUEUE_REPORT): void {
  const cur = read(path);
  for (const [k, v] of Object.entries(patch)) {
    const old = cur[k];
    cur[k] = k === 'crash' && v && typeof v === 'object' && old && typeof old === 'object'
      ? { ...(old as Json), ...(v as Json) }
      : v;
  }
  cur.updated = new Date().toISOString();
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(cur, null, 2) + '\n');
  renameSync(tmp, path);
}
