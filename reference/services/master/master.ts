/**
 * master(8) for the reference MTA: reads main.cf and master.cf from a Postfix configuration
 * directory and runs the services master.cf names, in one Node process.
 *
 * Started by reference/mta.ts (`twinpost mta -c DIR start|start-fg`). First the services every
 * daemon reaches in-process (shared.ts: tables and proxymap, trivial-rewrite, cleanup, bounce,
 * qmgr, flush, anvil, verify); then, for each master.cf entry, the daemon that
 * reference/services/registry.ts lists for its command, with main.cf as the entry's -o
 * overrides leave it ($service_name expanded) — entries of commands the reference does not
 * implement are skipped; then each started daemon's ready() (qmgr's first queue scan waits
 * until every delivery agent is registered). master.cf is read once per start or reload.
 * Logs "daemon started -- version $mail_version, configuration DIR" when ready, "reload -- ..."
 * after reload(), and "terminating on signal N" on stop(signal). Writes
 * $queue_directory/pid/master.pid.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMainCf, loadMasterCf, type MainConfig, type MasterEntry } from '../../config/index.ts';
import type { QueueEntry } from '../../queue/listing.ts';
import type { RunningDaemon } from '../../skeleton/daemon.ts';
import { daemonFor } from '../registry.ts';
import { showq } from '../showq/showq.ts';
import { createFileLogger, type FileLogger } from '../postlogd/postlogd.ts';
import { startSharedServices, type SharedServices } from './shared.ts';

export interface MasterOptions {
  configDir: string;
  /** Extra hand-off of each log line (start-fg may mirror to stdout). */
  onLogLine?: (line: string) => void;
}

interface Running {
  config: MainConfig;
  services: SharedServices;
  daemons: RunningDaemon[];
}

/** main.cf as an entry's daemon sees it: the -o overrides, with $service_name / ${service_name} expanded. */
function entryConfig(config: MainConfig, entry: MasterEntry): MainConfig {
  if (Object.keys(entry.options).length === 0) return config;
  const overrides: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry.options)) overrides[k] = v.replace(/\$\{?service_name\}?/g, entry.service);
  return config.withOverrides(overrides);
}

/** Start the daemon of one master.cf entry; undefined when the reference has none for it. */
async function startDaemon(entry: MasterEntry, config: MainConfig, services: SharedServices): Promise<RunningDaemon | undefined> {
  const daemon = daemonFor(entry.command);
  if (!daemon || !daemon.types.includes(entry.type)) return undefined;
  return daemon.start({ entry, config: entryConfig(config, entry), services });
}

export class Master {
  private running?: Running;
  readonly logger: FileLogger;

  private constructor(private readonly opts: MasterOptions, config: MainConfig) {
    this.logger = createFileLogger({
      path: config.get('maillog_file') || undefined,
      myhostname: config.get('myhostname'),
      syslogName: config.get('syslog_name'),
      onLine: opts.onLogLine,
    });
  }

  static async start(opts: MasterOptions): Promise<Master> {
    const config = loadMainCf(opts.configDir);
    const master = new Master(opts, config);
    master.running = await master.startServices(config);
    await master.writePid(config);
    master.logger.info('master', `daemon started -- version ${config.get('mail_version')}, configuration ${opts.configDir}`);
    return master;
  }

  get queueDirectory(): string | undefined {
    return this.running?.services.layout.queueDir;
  }

  private async writePid(config: MainConfig): Promise<void> {
    const dir = join(config.get('queue_directory'), 'pid');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'master.pid'), `${String(process.pid).padStart(10)}\n`);
  }

  private async startServices(config: MainConfig): Promise<Running> {
    const services = await startSharedServices(config, this.logger);
    const daemons: RunningDaemon[] = [];
    for (const entry of loadMasterCf(this.opts.configDir, config)) {
      const daemon = await startDaemon(entry, config, services);
      if (daemon) daemons.push(daemon);
    }
    for (const daemon of daemons) await daemon.ready?.();
    return { config, services, daemons };
  }

  private async stopServices(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (!r) return;
    await Promise.all(r.daemons.map((d) => d.close()));
    await r.services.close();
  }

  /** postfix reload: re-read main.cf and master.cf and restart the services. */
  async reload(): Promise<void> {
    const config = loadMainCf(this.opts.configDir);
    await this.stopServices();
    this.logger.reconfigure({ myhostname: config.get('myhostname'), syslogName: config.get('syslog_name'), path: config.get('maillog_file') || undefined });
    this.running = await this.startServices(config);
    this.logger.info('master', `reload -- version ${config.get('mail_version')}, configuration ${this.opts.configDir}`);
  }

  /** postqueue -f: attempt delivery of all queued mail now (qmgr's deferred scan, pickup's maildrop scan). */
  flush(): void {
    this.running?.services.qmgr.flush();
    this.running?.daemons.forEach((d) => d.wake?.());
  }

  /** Resolves when qmgr has nothing in flight (tests). */
  async idle(): Promise<void> {
    await this.running?.services.qmgr.idle();
  }

  async queue(): Promise<QueueEntry[]> {
    if (!this.running) return [];
    return showq(this.running.services.layout, this.running.services.config.get('empty_address_recipient'));
  }

  /** Stop every service; with a signal number, log "terminating on signal N" first. */
  async stop(signal?: number): Promise<void> {
    const queueDir = this.running?.config.get('queue_directory');
    if (signal !== undefined) this.logger.info('master', `terminating on signal ${signal}`);
    await this.stopServices();
    if (queueDir) await rm(join(queueDir, 'pid', 'master.pid'), { force: true });
  }
}
