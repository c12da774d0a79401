/**
 * Runs the REAL postconf(1) and parses its output; used by the conformance tests of this folder
 * to compare the reference's view of main.cf with Postfix's. Also scratch config directories
 * holding a main.cf and Debian's stock master.cf (never the system's /etc/postfix).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writePrivateConfig } from './installed-postfix.ts';

export { STOCK_MASTER_CF } from './installed-postfix.ts';

/** `postconf -c dir <args>` → name → value (one "name = value" per line). */
export function postconf(dir: string, args: string[]): Map<string, string> {
  const out = execFileSync('postconf', ['-c', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const result = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (!line) continue;
    const eq = line.indexOf(' =');
    result.set(line.slice(0, eq), line.slice(eq + 2).replace(/^ /, ''));
  }
  return result;
}

/** Run postconf expecting failure; returns its stderr. */
export function postconfError(dir: string, args: string[]): string {
  try {
    execFileSync('postconf', ['-c', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? '');
  }
  throw new Error(`postconf ${args.join(' ')} unexpectedly succeeded`);
}

/** postconf prints values with whitespace runs collapsed; compare in that form. */
export function collapse(value: string): string {
  return value.trim().split(/\s+/).filter(Boolean).join(' ');
}

/**
 * A scratch config dir with main.cf = mainCf (plus meta_directory naming the directory itself,
 * so nothing is read from /etc/postfix) and the stock master.cf. Remove with removeDir.
 */
export function scratchConfigDir(mainCf: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'twinpost-config-'));
  writePrivateConfig(dir, mainCf);
  return dir;
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}
