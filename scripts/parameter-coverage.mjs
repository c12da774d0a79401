#!/usr/bin/env node
// Which of the main.cf parameters `postconf -d` lists are named in a scenario under specs/:
// prints the count, and with --missing the names no scenario mentions yet. A name counts when
// it appears as a word in a spec file (in its main.cf settings, expectations or comments).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function defaults() {
  const dir = mkdtempSync(join(tmpdir(), 'twinpost-postconf-'));
  try {
    writeFileSync(join(dir, 'main.cf'), '');
    writeFileSync(join(dir, 'master.cf'), '');
    const out = execFileSync('postconf', ['-c', dir, '-d'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return [...new Set(out.split('\n').map((l) => l.split(/\s*=/)[0].trim()).filter(Boolean))].sort();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function specWords(dir) {
  const words = new Set();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) for (const w of specWords(path)) words.add(w);
    else if (name.endsWith('.ts')) for (const w of readFileSync(path, 'utf8').match(/[a-z0-9_]+/g) ?? []) words.add(w);
  }
  return words;
}

let all;
try {
  all = defaults();
} catch {
  console.error('parameter-coverage: postconf did not run; install Postfix (node scripts/install-packages.mjs test) and try again');
  process.exit(2);
}
const named = specWords(new URL('../specs', import.meta.url).pathname);
const covered = all.filter((p) => named.has(p));
console.log(`${covered.length} of the ${all.length} parameters postconf -d lists are named in specs/`);
if (process.argv.includes('--missing')) for (const p of all.filter((x) => !named.has(x))) console.log(p);
