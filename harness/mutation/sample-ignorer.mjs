/**
 * Stryker ignorer plugin "twinpost-sample" for the sampled mode of the mutation campaign
 * (harness/mutation/sample.ts). Stryker is given one mutate range per picked mutant; a range
 * also takes in every mutant nested inside it. This ignorer marks those nested ones as ignored
 * ("not in the sample"), so only the picked locations are tested. It reads the sample from the
 * file named by TWINPOST_MUTATION_SAMPLE; without that variable it ignores nothing.
 * Plain JavaScript: Stryker loads plugins without a TypeScript loader.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { declareValuePlugin, PluginKind } from '@stryker-mutator/api/plugin';

/** Sampled locations by file (relative path), in Babel's numbering (lines from 1). */
function loadSites() {
  const file = process.env.TWINPOST_MUTATION_SAMPLE;
  const sites = new Map();
  if (!file) return sites;
  for (const { file: f, location: l } of JSON.parse(readFileSync(file, 'utf8')).picked) {
    const loc = { start: { line: l.start.line + 1, column: l.start.column }, end: { line: l.end.line + 1, column: l.end.column } };
    sites.set(f, [...(sites.get(f) ?? []), loc]);
  }
  return sites;
}

const before = (a, b) => a.line < b.line || (a.line === b.line && a.column <= b.column);
const contains = (outer, inner) => before(outer.start, inner.start) && before(inner.end, outer.end);
const same = (a, b) => contains(a, b) && contains(b, a);

let sites;

/** Why a node is left out, or undefined: inside a picked location, neither picked nor holding one. */
function reason(path) {
  sites ??= loadSites();
  const loc = path.node?.loc;
  if (!loc || !sites.size) return undefined;
  const fileName = path.hub?.file?.opts?.filename ?? loc.filename ?? '';
  const picked = sites.get(relative(process.cwd(), fileName).split('\\').join('/')) ?? [];
  if (picked.some((s) => same(s, loc) || contains(loc, s))) return undefined;
  return picked.some((s) => contains(s, loc)) ? 'not in the sample (nested in a sampled mutant)' : undefined;
}

export const strykerPlugins = [declareValuePlugin(PluginKind.Ignore, 'twinpost-sample', { shouldIgnore: reason })];
