/**
 * Fixed regression cases of the trivial-rewrite fuzzer (specs/trivial-rewrite/*.json): each is a
 * configuration, an address and the answers real Postfix 3.7 gave (RewriteAnswers). replayCases
 * asks both real Postfix (one instance per distinct configuration) and the reference again and
 * reports every answer that differs from the recorded one; toRegressionCases turns a campaign's
 * divergences into such cases (the answers recorded are Postfix's).
 */
import { readFileSync } from 'node:fs';
import { destroyRootSync, makeInstanceRoot } from '../util/cleanup.ts';
import type { RewriteFuzzConfig } from './rewrite-config.ts';
import { RewriteSession, type RewriteAnswers } from './session.ts';
import type { Divergence } from './check.ts';

export interface RegressionCase {
  /** What the case is about (how it was found, what was fixed). */
  note: string;
  config: RewriteFuzzConfig;
  address: string;
  /** Real Postfix 3.7.11's answers. */
  expected: RewriteAnswers;
}

export interface ReplayMismatch {
  side: 'postfix' | 'reference';
  note: string;
  address: string;
  expected: RewriteAnswers;
  got: RewriteAnswers;
}

export function loadRegressionCases(path: string): RegressionCase[] {
  return JSON.parse(readFileSync(path, 'utf8')) as RegressionCase[];
}

export function toRegressionCases(divergences: Divergence[], note: string): RegressionCase[] {
  return divergences
    .filter((d) => d.what === 'answers')
    .map((d) => ({ note, config: d.config, address: d.address, expected: d.postfix as RewriteAnswers }));
}

/** Replay every case on both sides; returns the answers that differ from the recorded ones. */
export async function replayCases(cases: RegressionCase[]): Promise<ReplayMismatch[]> {
  const byConfig = new Map<string, RegressionCase[]>();
  for (const c of cases) {
    const key = JSON.stringify(c.config);
    byConfig.set(key, [...(byConfig.get(key) ?? []), c]);
  }
  const mapDir = makeInstanceRoot('fuzz-maps');
  const out: ReplayMismatch[] = [];
  try {
    let n = 0;
    for (const group of byConfig.values()) {
      const session = await RewriteSession.start(group[0].config, mapDir, `transport-${n++}`);
      try {
        for (const c of group) {
          const [real, ref] = [await session.askReal(c.address), await session.askReference(c.address)];
          const mismatch = (side: ReplayMismatch['side'], got: RewriteAnswers) => {
            if (JSON.stringify(got) !== JSON.stringify(c.expected)) out.push({ side, note: c.note, address: c.address, expected: c.expected, got });
          };
          mismatch('postfix', real);
          mismatch('reference', ref);
        }
      } finally {
        await session.dispose();
      }
    }
  } finally {
    destroyRootSync(mapDir);
  }
  return out;
}
