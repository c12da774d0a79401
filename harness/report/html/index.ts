/**
 * The HTML report: renderHtmlReport(run) → one self-contained page; writeHtmlReport(dir, run)
 * → dir/index.html. reportConfig(config) is what toRunResult records of a scenario's
 * configuration for the architecture and flow diagrams.
 */
export { renderHtmlReport, writeHtmlReport } from './render.ts';
export { reportConfig } from './run-config.ts';
