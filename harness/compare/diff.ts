/**
 * Target-vs-target comparison. Each observation is turned into its compared items (items.ts:
 * SMTP sessions, what each peer received, the maillog per queue ID, the files below the mail
 * spool, the queue files left behind, the queue listing), normalised only where Postfix itself
 * varies (observe/normalise.ts). Two runs are compared item by item; a difference names the
 * item and shows a unified diff of the normalised lines. A difference the scenario records as a
 * known, explained divergence is reported apart instead of failing.
 *
 * Called by `twinpost run` (harness/commands/run.ts) and the conformance tests
 * (specs/_suite/conformance.ts) with the outcomes of one scenario on every target; the first
 * run on real Postfix is the oracle, every other run (another target, or Postfix again in the
 * self-comparison `--target postfix,postfix`) is compared with it.
 */
import type { Observation } from '../scenario/run.ts';
import type { KnownDivergence } from '../scenario/types.ts';
import { observationItems, type Item } from './items.ts';
import { editScript, unifiedDiff } from './unified-diff.ts';

export interface TargetDifference {
  /** The compared item, e.g. "smtp smtp session 1", "maillog Q2", "file nobody". */
  item: string;
  /** diff -u of the item's normalised lines, the oracle's first. */
  diff: string;
  /** The known divergences that explain every changed line, when they do. */
  known?: KnownDivergence[];
}

/** Does the divergence's `item` name this item? A trailing "*" matches every name it starts. */
function coversItem(k: KnownDivergence, item: string): boolean {
  return k.item.endsWith('*') ? item.startsWith(k.item.slice(0, -1)) : item === k.item;
}

function coversLine(k: KnownDivergence, line: string): boolean {
  if (k.what === undefined) return true;
  return typeof k.what === 'string' ? line.includes(k.what) : k.what.test(line);
}

/** The divergences explaining every changed line of an item, or undefined when some line is not explained. */
function explain(item: string, a: string[], b: string[], known: KnownDivergence[]): KnownDivergence[] | undefined {
  const mine = known.filter((k) => coversItem(k, item));
  if (!mine.length) return undefined;
  const used = new Set<KnownDivergence>();
  for (const op of editScript(a, b)) {
    if (op.kind === ' ') continue;
    const k = mine.find((d) => coversLine(d, op.line));
    if (!k) return undefined;
    used.add(k);
  }
  return [...used];
}

/** Every item that differs between two lists of items, in the oracle's order, then the other's. */
export function compareItems(a: Item[], b: Item[], labels: [string, string], known: KnownDivergence[] = []): TargetDifference[] {
  const left = new Map(a.map((i) => [i.name, i.lines]));
  const right = new Map(b.map((i) => [i.name, i.lines]));
  const names = [...new Set([...left.keys(), ...right.keys()])];
  const out: TargetDifference[] = [];
  for (const item of names) {
    const l = left.get(item);
    const r = right.get(item);
    const diff = unifiedDiff(l ?? [], r ?? [], `${labels[0]}${l ? '' : ' (no such item)'}`, `${labels[1]}${r ? '' : ' (no such item)'}`);
    if (!diff && l && r) continue;
    const shown = diff || `--- ${labels[0]}${l ? '' : ' (no such item)'}\n+++ ${labels[1]}${r ? '' : ' (no such item)'}\n(the item is there, empty, on one side only)`;
    const k = explain(item, l ?? [], r ?? [], known);
    out.push({ item, diff: shown, ...(k ? { known: k } : {}) });
  }
  return out;
}

/** Compare two observations of one scenario, `a` being the oracle's. */
export function compareObservations(a: Observation, b: Observation, labels: [string, string], known: KnownDivergence[] = []): TargetDifference[] {
  return compareItems(observationItems(a), observationItems(b), labels, known);
}

/** What compareWithOracle needs of a scenario outcome. */
export interface ComparedOutcome {
  target: string;
  /** How the run is named in progress lines and reports ("postfix#2" for a second run of postfix). */
  label?: string;
  status: string;
  failures: { expectation: string; diff: string }[];
  observation?: unknown;
  scenario: { knownDivergences?: KnownDivergence[] };
}

/** The name of an outcome in reports: its label, or its target. */
export function outcomeLabel(o: { target: string; label?: string }): string {
  return o.label ?? o.target;
}

/**
 * Labels for a list of targets that may name one target more than once: the second run of
 * postfix is "postfix#2", the third "postfix#3".
 */
export function targetLabels(targets: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return targets.map((t) => {
    const n = (seen.get(t) ?? 0) + 1;
    seen.set(t, n);
    return n === 1 ? t : `${t}#${n}`;
  });
}

/**
 * Compare each outcome of one scenario with the first postfix outcome (the oracle).
 * Unexplained differences become failures of that outcome, one per item; explained ones are
 * left to the report. Returns the differences per label.
 */
export function compareWithOracle(outcomes: ComparedOutcome[]): Record<string, TargetDifference[]> {
  const oracle = outcomes.find((o) => o.target === 'postfix');
  const out: Record<string, TargetDifference[]> = {};
  if (!oracle?.observation) return out;
  const base = observationItems(oracle.observation as Observation);
  for (const o of outcomes) {
    // A run that ended in an error is reported as that error; what it left half done is not compared.
    if (o === oracle || !o.observation || o.status === 'error') continue;
    const label = outcomeLabel(o);
    const known = (o.scenario.knownDivergences ?? []).filter((k) => k.target === o.target && o.target !== 'postfix');
    const diffs = compareItems(base, observationItems(o.observation as Observation), [outcomeLabel(oracle), label], known);
    out[label] = diffs;
    const unexplained = diffs.filter((d) => !d.known);
    for (const d of unexplained) o.failures.push({ expectation: `${label} behaves as real Postfix: ${d.item}`, diff: d.diff });
    if (unexplained.length && o.status === 'passed') o.status = 'failed';
  }
  return out;
}
