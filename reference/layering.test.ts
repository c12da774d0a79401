/**
 * The reference's one layering rule (DESIGN.md §4): nothing under reference/ imports from the
 * harness (or from specs/, property/ or anything else outside reference/) — the harness depends
 * on the reference, never the reverse. Tests (*.test.ts) may use the harness's helpers; every
 * other file, test helpers included, must resolve each relative import inside reference/. And
 * global/ (what several daemons share) imports no daemon folder, only services/contracts.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REFERENCE = dirname(fileURLToPath(import.meta.url));

/** Every .ts file below dir, test files left out. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The module specifiers of static imports, re-exports, side-effect and dynamic imports. */
function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const forms = [/\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const form of forms) for (const m of source.matchAll(form)) found.push(m[1]!);
  return found;
}

/** The relative imports of `file` that resolve outside reference/. */
function importsLeavingReference(file: string, source: string): string[] {
  return importSpecifiers(source)
    .filter((spec) => spec.startsWith('.'))
    .filter((spec) => relative(REFERENCE, resolve(dirname(file), spec)).split(sep)[0] === '..');
}

describe('reference layering', () => {
  it('no non-test file under reference/ imports from outside it (harness/, specs/, property/)', () => {
    const offenders = sourceFiles(REFERENCE).flatMap((file) =>
      importsLeavingReference(file, readFileSync(file, 'utf8')).map((spec) => `${relative(REFERENCE, file)}: ${spec}`));
    expect(offenders).toEqual([]);
  });

  it('global/ imports nothing from a daemon folder, only the shared types of services/contracts.ts', () => {
    const global = join(REFERENCE, 'global');
    const offenders = sourceFiles(global).flatMap((file) => importSpecifiers(readFileSync(file, 'utf8'))
      .filter((spec) => spec.startsWith('.'))
      .map((spec) => relative(REFERENCE, resolve(dirname(file), spec)).split(sep).join('/'))
      .filter((target) => target.startsWith('services/') && target !== 'services/contracts.ts')
      .map((target) => `${relative(REFERENCE, file)}: ${target}`));
    expect(offenders).toEqual([]);
  });

  it('the scan sees every import form, so a harness import cannot slip through', () => {
    const file = join(REFERENCE, 'services', 'x', 'x.ts');
    const source = [
      "import type { A } from '../../../harness/observe/postqueue.ts';",
      "import {\n  B,\n} from '../../queue/layout.ts';",
      "export { C } from '../../../harness/util/cleanup.ts';",
      "import '../../../harness/side-effect.ts';",
      "const d = await import('../../../harness/dynamic.ts');",
    ].join('\n');
    expect(importsLeavingReference(file, source)).toEqual([
      '../../../harness/observe/postqueue.ts', '../../../harness/util/cleanup.ts',
      '../../../harness/side-effect.ts', '../../../harness/dynamic.ts',
    ]);
  });
});
