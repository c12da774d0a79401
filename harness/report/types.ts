/**
 * The result of one harness run, as written to results.json and rendered as JUnit XML.
 * One ScenarioResult per (scenario, target) pair.
 */

export type ScenarioStatus = 'passed' | 'failed' | 'error';

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
