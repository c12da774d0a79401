/**
 * Every mutant Stryker would make in the campaign's files, with its location: the same
 * instrumenter Stryker runs (@stryker-mutator/instrumenter, default mutators), asked directly,
 * so the sampled mode can pick mutants before Stryker starts.
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { Instrumenter } from '@stryker-mutator/instrumenter';
import type { Logger } from '@stryker-mutator/api/logging';
import type { MutantSite } from './sample.ts';

const quiet: Logger = {
  isTraceEnabled: () => false,
  isDebugEnabled: () => false,
  isInfoEnabled: () => false,
  isWarnEnabled: () => true,
  isErrorEnabled: () => true,
  isFatalEnabled: () => true,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (m: string, ...a: unknown[]) => console.warn(m, ...a),
  error: (m: string, ...a: unknown[]) => console.error(m, ...a),
  fatal: (m: string, ...a: unknown[]) => console.error(m, ...a),
};

/** The mutants of `files` (paths relative to `root`), in file order. */
export async function enumerateMutants(files: readonly string[], root: string): Promise<MutantSite[]> {
  const inputs = files.map((f) => ({ name: resolve(root, f), content: readFileSync(resolve(root, f), 'utf8'), mutate: true as const }));
  const { mutants } = await new Instrumenter(quiet).instrument(inputs, { plugins: null, excludedMutations: [], ignorers: [] });
  return mutants
    .filter((m) => m.status !== 'Ignored')
    .map((m) => ({
      file: relative(root, m.fileName).split('\\').join('/'),
      mutatorName: m.mutatorName,
      replacement: m.replacement,
      location: m.location,
    }));
}
