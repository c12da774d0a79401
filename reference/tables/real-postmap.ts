/**
 * Test support: asks the REAL postmap(1) / postalias(1) for many keys at once
 * (`postmap -q - type:name`, keys on stdin, "key<TAB>value" out for the keys found), and a
 * small seeded random generator so the generated tables are the same on every run.
 */
import { execFileSync } from 'node:child_process';
import { configArgs } from '../config/installed-postfix.ts';

export function realQuery(command: 'postmap' | 'postalias', spec: string, keys: string[], configDir?: string): Map<string, string> {
  const args = [...configArgs(configDir), '-q', '-', spec];
  let out: string;
  try {
    out = execFileSync(command, args, { input: keys.join('\n') + '\n', encoding: 'latin1', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (err) {
    // Exit status 1 only means "some key not found"; the found ones are still on stdout.
    const e = err as { status?: number; stdout?: string; stderr?: string };
    if (e.status !== 1 || /fatal/.test(e.stderr ?? '')) throw new Error(`${command} ${args.join(' ')}: ${e.stderr}`);
    out = e.stdout ?? '';
  }
  const found = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    // postalias prints "key:<TAB>value".
    const key = line.slice(0, tab);
    found.set(command === 'postalias' && key.endsWith(':') ? key.slice(0, -1) : key, line.slice(tab + 1));
  }
  return found;
}

/** Deterministic pseudo-random numbers (mulberry32). */
export function seeded(seed: number): { int(n: number): number; pick<T>(xs: readonly T[]): T; chance(p: number): boolean } {
  let s = seed >>> 0;
  const next = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    int: (n) => Math.floor(next() * n),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    chance: (p) => next() < p,
  };
}
