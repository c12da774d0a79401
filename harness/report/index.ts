/**
 * Report writers: results.json and junit.xml for a RunResult (types.ts).
 */
export type { RunResult, ScenarioResult, ScenarioStatus, ExpectationFailure } from './types.ts';
export { renderResultsJson, writeResultsJson } from './json.ts';
export { renderJunitXml, writeJunitXml } from './junit.ts';
