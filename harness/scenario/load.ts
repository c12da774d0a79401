/**
 * Finds and loads scenario files: every specs/**\/*.ts that is not a test, each exporting a
 * Scenario as default. `--spec` takes a glob relative to the project (e.g. "specs/smtpd/*").
 */
import { readdirSync, statSync } from 'node:fs';
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
  return rel.endsWith('.ts') && !rel.endsWith('.test.ts') && !rel.endsWith('.d.ts') && !rel.split('/').pop()!.startsWith('_');
}

/** Scenario files matching `glob` (default: all of specs/), relative to the project, sorted. */
export function findScenarioFiles(glob = 'specs/**', root = PROJECT_ROOT): string[] {
  const re = globToRegExp(glob.replace(/^\.\//, ''));
  const prefix = re.source.includes('/') ? '' : 'specs/';
  return walk(join(root, 'specs'))
    .map((p) => relative(root, p))
    .filter(isScenarioFile)
    .filter((rel) => re.test(rel) || re.test(rel.replace(/\.ts$/, '')) || (prefix && re.test(rel.slice(prefix.length))))
    .sort();
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
