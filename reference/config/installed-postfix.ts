/**
 * The installed Postfix package, read from its pristine copies so that nothing depends on, or
 * touches, the system's own configuration in /etc/postfix:
 *  - master.cf comes from the package's master.cf.dist;
 *  - dynamicmaps.cf (which table types are plugins: lmdb, pcre, pgsql …) comes from the package's
 *    list, keeping the types whose plugin is installed;
 *  - every configuration directory made for a real Postfix program names itself as
 *    `meta_directory`, so Postfix reads dynamicmaps.cf from there rather than from /etc/postfix;
 *  - real Postfix commands run without an instance of their own (postmap -q, postconf -h,
 *    postcat of a file, posttls-finger) get toolConfigDir(): a private directory with a
 *    minimal main.cf, made once per process and removed when the process exits.
 *
 * Debian's postfix package installed with debconf "No configuration" leaves no main.cf in
 * /etc/postfix, and an administrator's edits there must not change a test's outcome; see
 * postconf(5) meta_directory and postfix-files(5).
 */
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's postfix package keeps its pristine copies (main.cf.dist, master.cf.dist …). */
export const POSTFIX_SHARE_DIRECTORY = '/usr/share/postfix';
/** Postfix 3.7's default master.cf, as shipped. */
export const STOCK_MASTER_CF = join(POSTFIX_SHARE_DIRECTORY, 'master.cf.dist');
/** The package's list of table plugins (all of them, installed or not). */
const STOCK_DYNAMICMAPS_CF = join(POSTFIX_SHARE_DIRECTORY, 'dynamicmaps.cf');
/** shlib_directory: where the plugins named in dynamicmaps.cf are. */
export const SHLIB_DIRECTORY = '/usr/lib/postfix';
/** daemon_directory: master and the daemons. */
export const DAEMON_DIRECTORY = '/usr/lib/postfix/sbin';
/** The master program (started directly with -w: `postfix start`'s checks cost ~3 s). */
export const MASTER_PROGRAM = join(DAEMON_DIRECTORY, 'master');
/** sendmail(1) as installed (the path in sendmail_path's default). */
export const SENDMAIL_PROGRAM = '/usr/sbin/sendmail';

/** True when the postfix package is installed (its pristine master.cf is the witness). */
export function postfixInstalled(): boolean {
  return existsSync(STOCK_MASTER_CF) && existsSync(MASTER_PROGRAM);
}

/** The stock master.cf text. */
export function stockMasterCf(): string {
  return readFileSync(STOCK_MASTER_CF, 'utf8');
}

/**
 * dynamicmaps.cf for the installed plugins: the package's list, keeping comments and the
 * lines whose shared object exists in shlib_directory.
 */
export function installedDynamicMaps(): string {
  const lines = readFileSync(STOCK_DYNAMICMAPS_CF, 'utf8').split('\n');
  const kept = lines.filter((line) => {
    const fields = line.trim().split(/\s+/);
    if (line.trim() === '' || line.trimStart().startsWith('#')) return true;
    const so = fields[1] ?? '';
    return existsSync(so.startsWith('/') ? so : join(SHLIB_DIRECTORY, so));
  });
  return kept.join('\n');
}

/** The main.cf parameters that keep Postfix's programs inside `configDir`. */
export function metaParameters(configDir: string): Record<string, string> {
  return { meta_directory: configDir };
}

/** Write the files Postfix's programs read from meta_directory (dynamicmaps.cf). */
export function writeMetaFiles(configDir: string): void {
  writeFileSync(join(configDir, 'dynamicmaps.cf'), installedDynamicMaps());
}

/**
 * Names a tool directory made by a parent process for all its children (the test runner's
 * global setup makes one for every test worker, and removes it after the run).
 */
export const SHARED_TOOL_DIR_ENV = 'TWINPOST_POSTFIX_TOOL_DIR';

let toolDir: string | undefined;

/**
 * Make a private configuration directory for real Postfix commands that have no instance of
 * their own: main.cf names the directory as meta_directory and sets compatibility_level,
 * master.cf is the stock one. Its name follows the harness's scratch convention
 * (twinpost-scratch-<pid>-…), so a run killed with -9 leaves nothing the next run does not
 * remove. The caller removes it.
 */
export function makeToolConfigDir(): string {
  const dir = mkdtempSync(join(tmpdir(), `twinpost-scratch-${process.pid}-postfix-tools-`));
  chmodSync(dir, 0o755);
  writePrivateConfig(dir, 'compatibility_level = 3.6\n');
  return dir;
}

/**
 * Fill `dir` as a configuration directory of its own: main.cf is `mainCf` plus meta_directory
 * naming `dir`, master.cf the stock one, and the meta files.
 */
export function writePrivateConfig(dir: string, mainCf: string): void {
  const meta = Object.entries(metaParameters(dir)).map(([k, v]) => `${k} = ${v}\n`).join('');
  writeFileSync(join(dir, 'main.cf'), mainCf + (mainCf === '' || mainCf.endsWith('\n') ? '' : '\n') + meta);
  writeFileSync(join(dir, 'master.cf'), stockMasterCf());
  writeMetaFiles(dir);
}

/**
 * The tool directory of this process: the one a parent shared through SHARED_TOOL_DIR_ENV,
 * or one made on first use and removed when the process exits.
 */
export function toolConfigDir(): string {
  const shared = process.env[SHARED_TOOL_DIR_ENV];
  if (shared && existsSync(join(shared, 'main.cf'))) return shared;
  if (toolDir && existsSync(join(toolDir, 'main.cf'))) return toolDir;
  const first = toolDir === undefined;
  toolDir = makeToolConfigDir();
  if (first) process.on('exit', () => toolDir && rmSync(toolDir, { recursive: true, force: true }));
  return toolDir;
}

/** `-c DIR` for a real Postfix command: the given directory, or the private tool directory. */
export function configArgs(configDir?: string): string[] {
  return ['-c', configDir ?? toolConfigDir()];
}

/** An environment naming the private tool directory (for commands without -c: posttls-finger). */
export function toolEnv(configDir?: string): NodeJS.ProcessEnv {
  return { ...process.env, MAIL_CONFIG: configDir ?? toolConfigDir() };
}

/** uid/gid of a user (passwd) or group (group) the postfix package created. */
export function postfixId(file: '/etc/passwd' | '/etc/group', name: string): number {
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${name}:`));
  if (!line) throw new Error(`${name} is not in ${file}: is Postfix installed? (npm test installs it as root)`);
  return Number(line.split(':')[2]);
}

/**
 * Make a queue directory (and a data directory) with the owners and modes postfix-files(5)
 * gives, as post-install would: the queues and private/ owned by mail_owner, mode 0700;
 * public/ 0710 and maildrop/ 0730 with group setgid_group; pid/ owned by root. With
 * `forPostfixStart`, the `quick-start` marker too: it lets `postfix start` skip post-install,
 * which would look for postfix-files in meta_directory. Needs root.
 */
export function makeQueueDirectories(queueDir: string, dataDir: string, opts: { forPostfixStart?: boolean } = {}): void {
  const mailOwner = postfixId('/etc/passwd', 'postfix');
  const mailGroup = postfixId('/etc/group', 'postfix');
  const setgidGroup = postfixId('/etc/group', 'postdrop');
  const make = (path: string, mode: number, uid: number, gid: number) => {
    mkdirSync(path, { recursive: true });
    chownSync(path, uid, gid);
    chmodSync(path, mode);
  };
  make(queueDir, 0o755, 0, 0);
  for (const q of ['active', 'bounce', 'corrupt', 'defer', 'deferred', 'flush', 'hold', 'incoming', 'private', 'saved', 'trace']) {
    make(join(queueDir, q), 0o700, mailOwner, 0);
  }
  make(join(queueDir, 'public'), 0o710, mailOwner, setgidGroup);
  make(join(queueDir, 'maildrop'), 0o730, mailOwner, setgidGroup);
  make(join(queueDir, 'pid'), 0o755, 0, 0);
  if (opts.forPostfixStart) writeFileSync(join(queueDir, 'quick-start'), '');
  make(dataDir, 0o700, mailOwner, mailGroup);
}
