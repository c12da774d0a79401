/**
 * The result of one harness run, as written to results.json and rendered as JUnit XML.
 * One ScenarioResult per (scenario, target) pair.
 */

export type ScenarioStatus = 'passed' | 'failed' | 'error';

/**
 * How a result stands to real Postfix, the oracle: 'oracle' is real Postfix's own run;
 * 'compared', a run whose observation was compared with real Postfix's run of the same
 * scenario; 'not-compared', a run nobody compared (Postfix not run, or its run gave no
 * observation) — a pass there says only that the expectations held, not that the target
 * behaves like Postfix.
 */
export type Comparison = 'oracle' | 'compared' | 'not-compared';

/** The words reports use for a run that was not compared. */
export const NOT_COMPARED_LABEL = 'not compared with Postfix';

export interface ExpectationFailure {
  /** What was expected, in words ("mailbox alice holds 1 message(s)"). */
  expectation: string;
  /** What was observed instead, as a readable diff. */
  diff: string;
}

export interface ScenarioResult {
  id: string;
  title: string;
  /** The spec file the scenario came from. */
  file: string;
  target: string;
  status: ScenarioStatus;
  comparison?: Comparison;
  durationMs: number;
  failures: ExpectationFailure[];
  /** Set when the scenario could not run to the end (status 'error'). */
  error?: string;
  /** JSON-safe observations: transcript, deliveries, events, queue … */
  observations?: unknown;
  /** Known, explained divergences recorded by the spec for this target. */
  knownDivergences?: string[];
}

export interface RunResult {
  /** ISO 8601 start time. */
  startedAt: string;
  durationMs: number;
  targets: string[];
  scenarios: ScenarioResult[];
}
