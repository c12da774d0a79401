#!/usr/bin/env node
// pretest: make sure Debian's Postfix (with its lmdb and pcre map plugins) is installed.
// Installs it when missing and running as root (apt-get, non-interactive, with debconf told
// "No configuration" so the system's own instance is neither configured nor started);
// otherwise stops with the exact command to run. Never touches /etc/postfix.
import { execFileSync, spawnSync } from 'node:child_process';

const PACKAGES = ['postfix', 'postfix-lmdb', 'postfix-pcre', 'postfix-pgsql', 'postgresql'];

// The HTML report's browser test (harness/report/html) drives Debian's chromium; no browser is
// ever downloaded.
PACKAGES.push('chromium');

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

if (spawnSync('dpkg-query', ['--version']).error) {
  console.error('twinpost: dpkg-query not found: the postfix target needs a Debian-like system with Postfix 3.7 installed.');
  process.exit(1);
}
const missing = PACKAGES.filter((p) => !installed(p));
if (missing.length === 0) {
  process.exit(0);
}
const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing.join(' ')}`;
if (process.getuid?.() !== 0) {
  console.error(`twinpost: the tests need Debian's ${missing.join(', ')}. Run as root:\n  ${command}`);
  process.exit(1);
}
console.log(`twinpost: installing ${missing.join(' ')} ...`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  execFileSync('debconf-set-selections', { input: 'postfix postfix/main_mailer_type select No configuration\n', stdio: ['pipe', 'inherit', 'inherit'] });
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: 'inherit', env });
} catch (err) {
  console.error(`twinpost: installing Postfix failed (${err.message}). Run by hand:\n  ${command}`);
  process.exit(1);
}
const still = PACKAGES.filter((p) => !installed(p));
if (still.length) {
  console.error(`twinpost: still missing after apt-get: ${still.join(' ')}`);
  process.exit(1);
}
console.log('twinpost: Postfix installed.');
