/**
 * Runs the socketmap delay server (socketmap-server.ts) as a process of its own, so that its
 * timing does not depend on the benchmark harness's busy event loop:
 *   node --import tsx harness/bench/socketmap-main.ts SOCKET DELAY_MS SUFFIX VALUE
 * answers VALUE for every key that ends in SUFFIX, NOTFOUND otherwise. (Postfix treats a
 * socketmap: table like a pattern table: transport_maps asks it for full addresses only.) Prints "ready" once listening; a line "stats" on stdin prints
 * {"lookups":N,"meanDelayMs":X}; end of stdin stops it.
 */
import { createInterface } from 'node:readline';
import { startSocketmapServer } from './socketmap-server.ts';

const [path, delay, suffix, value] = process.argv.slice(2);
if (!path || delay === undefined || !suffix || !value) {
  console.error('usage: socketmap-main.ts SOCKET DELAY_MS SUFFIX VALUE');
  process.exit(2);
}
const server = await startSocketmapServer(path, Number(delay), (_name, key) => (key.endsWith(suffix) ? value : null));
console.log('ready');
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === 'stats') console.log(JSON.stringify({ lookups: server.lookups, meanDelayMs: server.meanDelayMs() }));
});
input.on('close', () => void server.close().then(() => process.exit(0)));
