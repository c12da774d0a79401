#!/usr/bin/env node
// Installs the Debian packages twinpost runs, before `npm start` (prestart) and `npm test`
// (pretest); prints what it installs. As root: apt-get, non-interactive, with debconf told "No
// configuration" so the system's own Postfix instance is neither configured nor started (every
// Postfix program twinpost runs gets a private configuration directory; /etc/postfix is never
// read or written). Not root and something missing: one line with the exact command, exit 1.
//
//   node scripts/install-packages.mjs start|test
//
// start: what `twinpost run` needs: real Postfix with the table plugins the specs use, and
//        PostgreSQL (scenarios with pgsql: tables get a private cluster).
// test:  that plus what the tests run: swaks (a real
//        SMTP client driving the capture peers and real Postfix), Chromium (the HTML report's
//        browser test, driven by playwright-core; no browser is ever downloaded), and the
//        Docker client (docker.io) when a Docker engine's socket is here: the container
//        target's tests then run against it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const START = ['postfix', 'postfix-lmdb', 'postfix-pcre', 'postfix-pgsql', 'postgresql'];
const TEST_ONLY = ['swaks', 'chromium'];
const DOCKER_SOCKET = '/var/run/docker.sock';

function wanted(purpose) {
  if (purpose === 'start') return START;
  const list = [...START, ...TEST_ONLY];
  if (existsSync(DOCKER_SOCKET)) list.push('docker.io');
  return list;
}

function installed(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.includes('install ok installed');
}

function fail(message) {
  console.error(`twinpost: ${message}`);
  process.exit(1);
}

const purpose = process.argv[2];
if (purpose !== 'start' && purpose !== 'test') {
  console.error('usage: node scripts/install-packages.mjs start|test');
  process.exit(2);
}
if (spawnSync('dpkg-query', ['--version']).error) {
  fail('this needs Debian 12 (or a Debian 12 container): dpkg-query was not found, and twinpost runs Debian\'s Postfix 3.7 packages.');
}
const missing = wanted(purpose).filter((p) => !installed(p));
if (missing.length === 0) process.exit(0);

const command = `apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing.join(' ')}`;
if (process.getuid?.() !== 0) {
  fail(`missing Debian packages ${missing.join(', ')}; as root, run: ${command}`);
}
console.log(`twinpost: installing Debian packages: ${missing.join(' ')}`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
try {
  if (missing.includes('postfix')) {
    execFileSync('debconf-set-selections', { input: 'postfix postfix/main_mailer_type select No configuration\n', stdio: ['pipe', 'inherit', 'inherit'] });
  }
  execFileSync('apt-get', ['update', '-qq'], { stdio: ['ignore', 'ignore', 'inherit'], env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { stdio: ['ignore', 'ignore', 'inherit'], env });
} catch (err) {
  fail(`apt-get failed (${err.message.split('\n')[0]}); run by hand: ${command}`);
}
const still = missing.filter((p) => !installed(p));
if (still.length) fail(`still missing after apt-get: ${still.join(' ')}; run by hand: ${command}`);
console.log(`twinpost: installed ${missing.join(' ')}`);
