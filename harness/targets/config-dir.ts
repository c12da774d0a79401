/**
 * Lays out a test instance's configuration directory, the same for every target: main.cf
 * (a safe base plus the scenario's parameters), master.cf (Postfix 3.7's default services,
 * chroot off, smtpd on a private loopback port) and the scenario's map files.
 *
 * Real Postfix and the reference MTA read exactly these files, so a scenario's configuration is
 * written once. Placeholders in values are replaced first (see substitute()). The directory is
 * its own meta_directory (dynamicmaps.cf from the package's pristine list): nothing is read
 * from the system's /etc/postfix.
 */
import { chmodSync, existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import type { MailConfig } from './types.ts';
import { metaParameters, writeMetaFiles } from '../../reference/config/installed-postfix.ts';

/** The directories of one instance, all below one temporary root. */
export interface InstanceDirs {
  root: string;
  configDir: string;
  queueDir: string;
  dataDir: string;
  mailDir: string;
  maillog: string;
}

export function instanceDirs(root: string): InstanceDirs {
  return {
    root,
    configDir: join(root, 'etc'),
    queueDir: join(root, 'spool'),
    dataDir: join(root, 'data'),
    mailDir: join(root, 'mail'),
    maillog: join(root, 'maillog'),
  };
}

/** Values for {{name}} placeholders: sink relays ({{sink:remote}} → [127.0.0.1]:2525) and more. */
export type Placeholders = Record<string, string>;

export function substitute(value: string, vars: Placeholders): string {
  return value.replace(/\{\{([^}]+)\}\}/g, (whole, key: string) => {
    const v = vars[key.trim()];
    if (v === undefined) throw new Error(`unknown placeholder ${whole} (known: ${Object.keys(vars).join(', ') || 'none'})`);
    return v;
  });
}

/** The main.cf base every test instance starts from; the scenario's parameters go on top. */
export function baseMainCf(dirs: InstanceDirs): Record<string, string> {
  return {
    compatibility_level: '3.6',
    ...metaParameters(dirs.configDir),
    queue_directory: dirs.queueDir,
    data_directory: dirs.dataDir,
    mail_spool_directory: dirs.mailDir,
    maillog_file: dirs.maillog,
    maillog_file_prefixes: dirs.root,
    mail_owner: 'postfix',
    setgid_group: 'postdrop',
    myhostname: 'mx.twinpost.test',
    mydomain: 'twinpost.test',
    myorigin: '$myhostname',
    mydestination: '$myhostname, localhost',
    inet_interfaces: '127.0.0.1',
    inet_protocols: 'ipv4',
    mynetworks: '127.0.0.0/8',
    alias_maps: '',
    alias_database: '',
    biff: 'no',
  };
}

/** master.cf: Postfix 3.7's default services, chroot off, smtpd on the instance's port. */
export function baseMasterCf(smtpPort: number, smtpHost = '127.0.0.1'): string[] {
  return [
    '# service type  private unpriv  chroot  wakeup  maxproc command',
    `${smtpHost}:${smtpPort} inet n - n - - smtpd`,
    'pickup    unix  n       -       n       60      1       pickup',
    'cleanup   unix  n       -       n       -       0       cleanup',
    'qmgr      unix  n       -       n       300     1       qmgr',
    'tlsmgr    unix  -       -       n       1000?   1       tlsmgr',
    'rewrite   unix  -       -       n       -       -       trivial-rewrite',
    'bounce    unix  -       -       n       -       0       bounce',
    'defer     unix  -       -       n       -       0       bounce',
    'trace     unix  -       -       n       -       0       bounce',
    'verify    unix  -       -       n       -       1       verify',
    'flush     unix  n       -       n       1000?   0       flush',
    'proxymap  unix  -       -       n       -       -       proxymap',
    'proxywrite unix -       -       n       -       1       proxymap',
    'smtp      unix  -       -       n       -       -       smtp',
    'relay     unix  -       -       n       -       -       smtp',
    '        -o syslog_name=postfix/$service_name',
    'showq     unix  n       -       n       -       -       showq',
    'error     unix  -       -       n       -       -       error',
    'retry     unix  -       -       n       -       -       error',
    'discard   unix  -       -       n       -       -       discard',
    'local     unix  -       n       n       -       -       local',
    'virtual   unix  -       n       n       -       -       virtual',
    'lmtp      unix  -       -       n       -       -       lmtp',
    'anvil     unix  -       -       n       -       1       anvil',
    'scache    unix  -       -       n       -       1       scache',
    'postlog   unix-dgram n  -       n       -       1       postlogd',
  ];
}

export function renderMainCf(params: Record<string, string>): string {
  return Object.entries(params).map(([k, v]) => `${k} = ${v}`).join('\n') + '\n';
}

/**
 * Write main.cf, master.cf and the maps. Map files are compiled with the installed Postfix's
 * postmap / postalias (the reference reads what they write, as real Postfix does).
 */
export function writeConfigDir(dirs: InstanceDirs, config: MailConfig, smtpPort: number, vars: Placeholders): void {
  mkdirSync(dirs.configDir, { recursive: true });
  // {{mailDir}} is the instance's mail spool, {{configDir}} its configuration directory,
  // {{dropDir}} a world-writable (1777) directory in the spool where local(8) file and command
  // deliveries (run as default_privs) can write.
  const dropDir = join(dirs.mailDir, 'drop');
  mkdirSync(dropDir, { recursive: true });
  chmodSync(dropDir, 0o1777);
  vars = { mailDir: dirs.mailDir, dropDir, configDir: dirs.configDir, ...vars };
  const main = { ...baseMainCf(dirs) };
  for (const [k, v] of Object.entries(config.main)) main[k] = substitute(v, vars);
  writeFileSync(join(dirs.configDir, 'main.cf'), renderMainCf(main));
  const master = [...baseMasterCf(smtpPort), ...(config.master ?? []).map((l) => substitute(l, vars))];
  writeFileSync(join(dirs.configDir, 'master.cf'), master.join('\n') + '\n');
  writeMetaFiles(dirs.configDir);
  // Postfix re-reads a main.cf (and a texthash/regexp file) changed within the last second
  // until it is older (about 1.5 s of waiting at every start); backdating skips that wait.
  // Sources are backdated further than compiled maps, so a .lmdb is never older than its source.
  const past = new Date(Date.now() - 5_000);
  const pastSource = new Date(Date.now() - 10_000);
  for (const f of ['main.cf', 'master.cf']) utimesSync(join(dirs.configDir, f), past, past);
  for (const map of config.maps ?? []) {
    const file = join(dirs.configDir, map.name);
    writeFileSync(file, substitute(map.content, vars));
    utimesSync(file, pastSource, pastSource);
    const build = map.build ?? 'none';
    if (build === 'none') continue;
    const tool = build === 'postalias' ? 'postalias' : 'postmap';
    try {
      execFileSync(tool, ['-c', dirs.configDir, `${map.dbType ?? 'lmdb'}:${file}`], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { stderr?: Buffer };
      throw new Error(`${tool} failed on map ${map.name}: ${e.stderr?.toString().trim() ?? String(err)}`);
    }
    const db = `${file}.${map.dbType ?? 'lmdb'}`;
    if (existsSync(db)) utimesSync(db, past, past);
  }
}
