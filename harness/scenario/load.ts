/**
 * Finds and loads scenario files: every specs/**\/*.ts that is not a test, each exporting a
 * Scenario as default. `--spec` takes a glob relative to the project (e.g. "specs/smtpd/*").
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Scenario } from './types.ts';

export const PROJECT_ROOT = resolve(import.meta.dirname, '../..');

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/** A small glob: `**` any path, `*` any run of non-slash characters, `?` one character. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

export function isScenarioFile(rel: string): boolean {
  return rel.endsWith('.ts') && !rel.endsWith('.test.ts') && !rel.endsWith('.d.ts') && !rel.split('/').some((part) => part.startsWith('_'));
}

/**
 * Scenario files matching `glob` (default: all of specs/), relative to the project, sorted.
 * A glob without a directory part is taken inside specs/ ("smtpd/*"); one that names another
 * directory ("fixtures/failing/*") is searched there.
 */
export function findScenarioFiles(glob = 'specs/**', root = PROJECT_ROOT): string[] {
  const g = glob.replace(/^\.\//, '');
  const staticPart = g.split('/').filter((_p, i, all) => !all.slice(0, i + 1).some((x) => /[*?]/.test(x)));
  const base = staticPart.length && existsSync(join(root, staticPart[0]!)) && statSync(join(root, staticPart[0]!)).isDirectory() ? staticPart[0]! : 'specs';
  const full = base === 'specs' && !g.startsWith('specs/') && g !== 'specs' ? `specs/${g}` : g;
  const re = globToRegExp(full);
  const dir = join(root, base);
  if (!existsSync(dir)) return [];
  return walk(dir)
    .map((p) => relative(root, p))
    .filter(isScenarioFile)
    .filter((rel) => re.test(rel) || re.test(rel.replace(/\.ts$/, '')) || (statSafe(join(root, full)) && rel.startsWith(`${full.replace(/\/$/, '')}/`)))
    .sort();
}

function statSafe(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export async function loadScenario(file: string, root = PROJECT_ROOT): Promise<Scenario> {
  const mod = (await import(pathToFileURL(resolve(root, file)).href)) as { default?: Scenario };
  const s = mod.default;
  if (!s || typeof s !== 'object' || !s.id || !Array.isArray(s.steps)) {
    throw new Error(`${file}: does not export a scenario as default (expected { id, title, config, steps, expect })`);
  }
  return s;
}

export async function loadScenarios(glob?: string): Promise<{ file: string; scenario: Scenario }[]> {
  const files = findScenarioFiles(glob);
  if (!files.length) throw new Error(`no scenario files match "${glob ?? 'specs/**'}"`);
  const out = [];
  for (const file of files) out.push({ file, scenario: await loadScenario(file) });
  return out;
}
