/**
 * The gate's "user config" mode: copies a mail team's own config directory (main.cf,
 * master.cf, maps) into a test instance and changes only what must change to run it there:
 *
 *  - main.cf: queue_directory, data_directory, mail_spool_directory, maillog_file (+ its
 *    prefixes), inet_interfaces = 127.0.0.1, inet_protocols = ipv4, and
 *    smtpd_authorized_xclient_hosts gains 127.0.0.1 (the gate sends XCLIENT to play clients
 *    from other addresses); installation paths (daemon_directory, …) set by the user are
 *    reset to this machine's; every mention of the user's config path (/etc/postfix) points
 *    at the copy, and the copy is its own meta_directory (dynamicmaps.cf for the plugins
 *    installed here), so the CI machine's /etc/postfix is never read;
 *  - master.cf: each inet service listens on 127.0.0.1:<free port> instead of its address or
 *    port, chroot is off for every service, and a postlog service is added when missing (the
 *    maillog is read from maillog_file);
 *  - indexed maps (hash:, btree:, lmdb:, cdb:, dbm:) in the copy are rebuilt with postmap, or
 *    postalias for alias_maps / alias_database.
 *
 * Everything else is the user's text, byte for byte.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { InstanceDirs } from '../targets/config-dir.ts';
import type { Endpoint } from '../targets/types.ts';
import { metaParameters, writeMetaFiles } from '../../reference/config/installed-postfix.ts';

export interface UserConfigOptions {
  /** The path the user's files call their own directory (default /etc/postfix). */
  configPath?: string;
}

export interface UserConfigResult {
  /** master.cf inet services as the user named them ("smtp", "submission", "127.0.0.1:10025") → where they listen now. */
  services: Record<string, Endpoint>;
  /** The main.cf parameters the gate set, with their values. */
  overrides: Record<string, string>;
  /** The maps rebuilt, as "postmap hash:/…/transport". */
  built: string[];
  /** DNS block/allow list zones the configuration queries (answered "not listed"). */
  zones: string[];
}

const INSTALL_PATHS = ['daemon_directory', 'command_directory', 'shlib_directory', 'meta_directory', 'sendmail_path', 'newaliases_path', 'mailq_path'];
const INDEXED = /\b(hash|btree|lmdb|cdb|dbm|sdbm):([^\s,]+)/g;

/** The inet service names of a master.cf, in order (what needs a port). */
export function inetServices(masterCf: string): string[] {
  return masterEntries(masterCf).filter((e) => e.type === 'inet').map((e) => e.service);
}

interface MasterEntry {
  line: number;
  service: string;
  type: string;
  command: string;
}

function masterEntries(text: string): MasterEntry[] {
  const out: MasterEntry[] = [];
  text.split('\n').forEach((l, i) => {
    if (/^\s|^#|^$/.test(l)) return;
    const f = l.trim().split(/\s+/);
    out.push({ line: i, service: f[0]!, type: f[1] ?? '', command: f[7] ?? '' });
  });
  return out;
}

/** Is this inet service the one mail arrives on (port 25)? */
function isSmtpPort(service: string): boolean {
  const port = service.includes(':') ? service.slice(service.lastIndexOf(':') + 1) : service;
  return port === 'smtp' || port === '25';
}

/**
 * Rewrite master.cf: inet services onto 127.0.0.1 ports (the port-25 service gets `smtpPort`,
 * the others `otherPorts` in order), chroot off, postlog added if missing.
 */
export function rewriteMasterCf(text: string, smtpPort: number, otherPorts: number[]): { text: string; services: Record<string, Endpoint> } {
  const lines = text.split('\n');
  const entries = masterEntries(text);
  const inet = entries.filter((e) => e.type === 'inet');
  const main = inet.find((e) => isSmtpPort(e.service)) ?? inet.find((e) => /^(smtpd|postscreen)$/.test(e.command));
  const services: Record<string, Endpoint> = {};
  const spare = [...otherPorts];
  for (const e of entries) {
    const m = /^(\S+)(\s+\S+\s+\S+\s+\S+\s+)(\S+)(.*)$/.exec(lines[e.line]!);
    if (!m) continue;
    let service = m[1]!;
    if (e.type === 'inet') {
      const port = e === main ? smtpPort : spare.shift();
      if (port === undefined) throw new Error(`gate: no port left for master.cf service ${e.service}`);
      service = `127.0.0.1:${port}`;
      services[e.service] = { host: '127.0.0.1', port };
    }
    lines[e.line] = `${service}${m[2]}n${m[4]}`;
  }
  if (!entries.some((e) => e.command === 'postlogd')) {
    if (lines.at(-1) === '') lines.pop();
    lines.push('# added by twinpost gate: the test instance logs to maillog_file', 'postlog   unix-dgram n  -       n       -       1       postlogd', '');
  }
  return { text: lines.join('\n'), services };
}

function postconf(args: string[]): string {
  try {
    return execFileSync('postconf', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: string };
    throw new Error(`postconf ${args.join(' ')} failed: ${e.stderr?.trim() ?? String(err)}`);
  }
}

/** "name = value" lines → a record. */
function parsePostconf(out: string): Record<string, string> {
  const r: Record<string, string> = {};
  for (const l of out.split('\n')) {
    const m = /^(\S+) = ?(.*)$/.exec(l);
    if (m) r[m[1]!] = m[2]!;
  }
  return r;
}

/** Copy `src` into the instance's config directory and apply the test overrides (see the header). */
export function writeUserConfig(src: string, dirs: InstanceDirs, smtpPort: number, otherPorts: number[], opts: UserConfigOptions = {}): UserConfigResult {
  for (const f of ['main.cf', 'master.cf']) if (!existsSync(join(src, f))) throw new Error(`gate: ${join(src, f)} does not exist`);
  mkdirSync(dirs.configDir, { recursive: true });
  cpSync(src, dirs.configDir, { recursive: true });
  const cd = dirs.configDir;
  const configPath = (opts.configPath ?? '/etc/postfix').replace(/\/+$/, '');
  const pathRe = new RegExp(`${configPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=/|\\s|,|$)`, 'gm');

  const mainFile = join(cd, 'main.cf');
  writeFileSync(mainFile, readFileSync(mainFile, 'utf8').replace(pathRe, cd));
  const master = rewriteMasterCf(readFileSync(join(cd, 'master.cf'), 'utf8').replace(pathRe, cd), smtpPort, otherPorts);
  writeFileSync(join(cd, 'master.cf'), master.text);

  const explicit = parsePostconf(postconf(['-c', cd, '-n']));
  const defaults = parsePostconf(postconf(['-c', cd, '-d', ...INSTALL_PATHS]));
  const xclient = explicit.smtpd_authorized_xclient_hosts;
  const overrides: Record<string, string> = {
    queue_directory: dirs.queueDir,
    data_directory: dirs.dataDir,
    mail_spool_directory: dirs.mailDir,
    maillog_file: dirs.maillog,
    maillog_file_prefixes: dirs.root,
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    smtpd_authorized_xclient_hosts: xclient ? `${xclient}, 127.0.0.1` : '127.0.0.1',
  };
  for (const p of INSTALL_PATHS) if (explicit[p] !== undefined && defaults[p] !== undefined) overrides[p] = defaults[p];
  Object.assign(overrides, metaParameters(cd));
  writeMetaFiles(cd);
  postconf(['-c', cd, '-e', ...Object.entries(overrides).map(([k, v]) => `${k}=${v}`)]);

  const built = buildMaps(cd);
  // Postfix waits for a main.cf younger than a second to age; backdating skips that wait.
  const past = new Date(Date.now() - 5_000);
  for (const f of ['main.cf', 'master.cf']) utimesSync(join(cd, f), past, past);
  return { services: master.services, overrides, built, zones: listZones(cd) };
}

const LIST_RESTRICTION = /\b(?:reject_rbl_client|reject_rhsbl_\w+|permit_dnswl_client|permit_rhswl_client)\s+([^\s,]+)/g;

/** The DNS block/allow list zones the configuration queries (restrictions and postscreen_dnsbl_sites). */
export function listZones(cd: string): string[] {
  const values = [...Object.entries(parsePostconf(postconf(['-c', cd, '-nx']))), ...Object.entries(parsePostconf(postconf(['-c', cd, '-Px'])))];
  const zones = new Set<string>();
  for (const [name, v] of values) {
    for (const m of v.matchAll(LIST_RESTRICTION)) zones.add(m[1]!);
    if (/(^|\/)postscreen_dns[bw]l_sites$/.test(name)) for (const site of v.split(/[\s,]+/).filter(Boolean)) zones.add(site);
  }
  return [...zones].map((z) => z.replace(/[=*].*$/, '')).filter(Boolean);
}

/** Rebuild every indexed map of the copy whose source file is there. */
function buildMaps(cd: string): string[] {
  const maps = new Map<string, 'postmap' | 'postalias'>();
  const scan = (name: string, value: string) => {
    for (const m of value.matchAll(INDEXED)) {
      const file = m[2]!;
      if (!file.startsWith(cd + '/') || !existsSync(file)) continue;
      const key = `${m[1]}:${file}`;
      if (/^alias_(maps|database)$/.test(name)) maps.set(key, 'postalias');
      else if (!maps.has(key)) maps.set(key, 'postmap');
    }
  };
  for (const [k, v] of Object.entries(parsePostconf(postconf(['-c', cd, '-nx'])))) scan(k, v);
  for (const [k, v] of Object.entries(parsePostconf(postconf(['-c', cd, '-Px'])))) scan(k.split('/').pop()!, v);
  const built: string[] = [];
  for (const [map, tool] of maps) {
    try {
      execFileSync(tool, ['-c', cd, map], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new Error(`gate: ${tool} ${map} failed: ${e.stderr?.toString().trim() ?? String(err)}`);
    }
    built.push(`${tool} ${map}`);
  }
  return built;
}
