/**
 * master(8) for the reference MTA: reads main.cf and master.cf from a Postfix configuration
 * directory and runs the services master.cf names, in one Node process.
 *
 * Started by reference/mta.ts (`twinpost mta -c DIR start|start-fg`). For each master.cf
 * entry: `inet ... smtpd` gets an SMTP listener on its address and port; `unix` entries for
 * smtp, local, error (and retry), discard become delivery agents registered with qmgr under
 * their service name; cleanup, qmgr, bounce, trivial-rewrite and postlogd are wired in-process
 * (services without a reference implementation are skipped; trivial-rewrite starts on first use
 * and is throttled when its start-up fails, supervise.ts); pickup (maildrop/) with its
 * public/pickup trigger socket. Logs "daemon started -- version
 * $mail_version, configuration DIR" when ready, "reload -- ..." after reload(), and
 * "terminating on signal N" on stop(signal). Writes $queue_directory/pid/master.pid.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadMainCf, loadMasterCf, type MainConfig, type MasterEntry } from '../../config/index.ts';
import { QueueLayout } from '../../queue/layout.ts';
import type { DeliveryAgent } from '../contracts.ts';
import { createCleanup } from '../cleanup/cleanup.ts';
import { createBounce } from '../bounce/bounce.ts';
import { createQmgr, type Qmgr } from '../qmgr/qmgr.ts';
import { showq } from '../showq/showq.ts';
import { createTrivialRewrite, serveTrivialRewrite, type TrivialRewrite } from '../trivial-rewrite/index.ts';
import { supervise } from './supervise.ts';
import { createFileLogger, type FileLogger } from '../postlogd/postlogd.ts';
import { createSmtpd, type SmtpdServer } from '../smtpd/smtpd.ts';
import { createSmtpAgent } from '../smtp/smtp.ts';
import { createLocalAgent } from '../local/local.ts';
import { createErrorAgent } from '../error/error.ts';
import { createDiscardAgent } from '../discard/discard.ts';
import type { QueueEntry } from '../../../harness/observe/postqueue.ts';
import { startProxymapServices } from '../proxymap/services.ts';
import { startVerifyService } from '../verify/service.ts';
import { createFlush, serveFlush } from '../flush/flush.ts';
import { withFastFlush } from '../flush/agent.ts';
import { createSmtpReuse } from '../scache/smtp-reuse.ts';
import type { SmtpConnection } from '../smtp/client.ts';
import { withAddressProbes } from '../verify/probe-agent.ts';
import { unverifiedCheck } from '../verify/smtpd-check.ts';
import { createAnvil, serveAnvil } from '../anvil/anvil.ts';
import { referenceTables } from '../trivial-rewrite/maps.ts';
import { privateSocket, publicSocket } from '../../protocol/sockets.ts';
import { networkMatcher } from '../smtpd/mynetworks.ts';
import { startPickupService, type RunningPickup } from '../pickup/service.ts';
import { TableList, localKeys, localSettings, logServiceName, restrictionSettings, smtpdSettings } from './settings.ts';

export interface MasterOptions {
  configDir: string;
  /** Extra hand-off of each log line (start-fg may mirror to stdout). */
  onLogLine?: (line: string) => void;
}

interface Running {
  config: MainConfig;
  layout: QueueLayout;
  qmgr: Qmgr;
  listeners: SmtpdServer[];
  tables: TableList[];
  /** proxymap/proxywrite, verify, flush and anvil servers (L). */
  support: { close(): Promise<void> }[];
  /** pickup services (master.cf command "pickup"), woken by flush() too. */
  pickups: RunningPickup[];
}

/** "[host]:port", "host:port" or "port" of an inet service name. */
export function inetEndpoint(service: string, inetInterfaces: string[]): { host: string; port: number }[] {
  const m = /^(?:\[?([^\]]*)\]?:)?([^:]+)$/.exec(service);
  const portText = m?.[2] ?? service;
  const port = /^\d+$/.test(portText) ? Number(portText) : portText === 'smtp' ? 25 : portText === 'submission' ? 587 : portText === 'submissions' ? 465 : NaN;
  if (Number.isNaN(port)) throw new Error(`master.cf: unknown port "${portText}"`);
  if (m?.[1]) return [{ host: m[1], port }];
  const hosts = inetInterfaces.flatMap((i) => (i === 'all' ? ['0.0.0.0'] : i === 'loopback-only' ? ['127.0.0.1'] : [i]));
  return hosts.map((host) => ({ host, port }));
}

/** Expand $service_name / ${service_name} in a master.cf -o value, as master(8) does. */
function serviceOptions(entry: MasterEntry): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry.options)) out[k] = v.replace(/\$\{?service_name\}?/g, entry.service);
  return out;
}

/**
 * trivial-rewrite as master runs it: started by its first request; a fatal start-up (e.g. a
 * proxy: table proxymap refuses) gets it throttled, and requests fail with ServiceUnavailable.
 */
function supervisedRewrite(impl: TrivialRewrite, config: MainConfig, logger: FileLogger): TrivialRewrite {
  const ready = supervise({
    service: 'trivial-rewrite', daemonDirectory: config.get('daemon_directory'),
    throttleSeconds: config.time('service_throttle_time'), logger, startup: () => impl.startup(),
  });
  return {
    rewrite: async (rule, address) => (await ready(), impl.rewrite(rule, address)),
    resolve: async (sender, address) => (await ready(), impl.resolve(sender, address)),
    resolveVerify: async (sender, address) => (await ready(), impl.resolveVerify(sender, address)),
    startup: ready,
  };
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
    return this.running?.layout.queueDir;
  }

  private async writePid(config: MainConfig): Promise<void> {
    const dir = join(config.get('queue_directory'), 'pid');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'master.pid'), `${String(process.pid).padStart(10)}\n`);
  }

  private async startServices(config: MainConfig): Promise<Running> {
    const logger = this.logger;
    const layout = new QueueLayout(config.get('queue_directory'), { hashQueueNames: config.list('hash_queue_names'), hashQueueDepth: config.int('hash_queue_depth') });
    await layout.ensureDirs();
    // Supporting services (L): proxymap/proxywrite also back every proxy: table in-process.
    const proxy = await startProxymapServices({ config, queueDirectory: layout.queueDir, logger });
    const openTable = referenceTables({ config, proxy: proxy.client });
    const rewrite = supervisedRewrite(createTrivialRewrite(config, { openTable, checkTable: (spec) => proxy.checkTable(spec) }), config, logger);
    let qmgr: Qmgr | undefined;
    const cleanup = createCleanup({ config, layout, rewrite, logger, openTable, wakeQmgr: () => qmgr?.wake() });
    const bounce = createBounce({ config, layout, cleanup, logger });
    qmgr = createQmgr({ config, layout, rewrite, bounce, logger });
    const q = qmgr;
    const flush = createFlush({ config, layout, trigger: (t) => (t === 'I' ? q.wake() : q.forgetDead()) });
    const flushServer = await serveFlush(publicSocket(layout.queueDir, 'flush'), flush);
    const anvil = createAnvil({ rateTimeUnit: config.time('anvil_rate_time_unit') });
    const anvilServer = await serveAnvil(privateSocket(layout.queueDir, 'anvil'), anvil);
    const verify = await startVerifyService({ config, queueDirectory: layout.queueDir, cleanup, writable: proxy.writable, logger });
    const running: Running = { config, layout, qmgr, listeners: [], tables: [], support: [proxy, verify, flushServer, anvilServer], pickups: [] };
    // The same trivial-rewrite the services use in-process also answers Postfix's protocol on
    // $queue_directory/private/<service> for the master.cf entries that run it, so outside
    // clients (postmap-style tools, the harness, benchmarks) can ask it as they ask Postfix.
    for (const entry of loadMasterCf(this.opts.configDir, config).filter((e) => e.command === 'trivial-rewrite' && e.type === 'unix')) {
      running.support.push(await serveTrivialRewrite((entry.private ? privateSocket : publicSocket)(layout.queueDir, entry.service), rewrite));
    }

    for (const entry of loadMasterCf(this.opts.configDir, config)) {
      const cfg = Object.keys(entry.options).length ? config.withOverrides(serviceOptions(entry)) : config;
      const agent = this.agentFor(entry, cfg, running, cleanup, rewrite);
      const probing = agent && entry.command === 'smtp' ? withAddressProbes(agent, { logger, logService: logServiceName(cfg, 'smtp'), heloName: cfg.get('smtp_helo_name'), verify: verify.verify }) : agent;
      if (probing) qmgr.registerAgent(withFastFlush(probing, flush));
      if (entry.type === 'inet' && entry.command === 'smtpd') {
        const localRecipients = new TableList(cfg.list('local_recipient_maps'));
        running.tables.push(localRecipients);
        for (const ep of inetEndpoint(entry.service, cfg.list('inet_interfaces'))) {
          const limits = { anvil, service: entry.service, myhostname: cfg.get('myhostname'), countLimit: cfg.int('smtpd_client_connection_count_limit'), rateLimit: cfg.int('smtpd_client_connection_rate_limit'), exempt: networkMatcher(cfg.list('smtpd_client_event_limit_exceptions')) };
          const restrictions = { ...restrictionSettings(cfg, localRecipients), unverified: unverifiedCheck(cfg, verify.verify) };
          const smtpd = createSmtpd({ settings: smtpdSettings(cfg), restrictions, cleanup, rewrite, logger, flush, limits });
          await new Promise<void>((resolve, reject) => {
            smtpd.server.once('error', reject);
            smtpd.server.listen(ep.port, ep.host, () => resolve());
          });
          running.listeners.push(smtpd);
        }
      }
    }
    await qmgr.start();
    for (const entry of loadMasterCf(this.opts.configDir, config).filter((e) => e.command === 'pickup')) {
      const pickup = await startPickupService({ config, layout, cleanup, logger, service: entry.service, wakeupSeconds: entry.wakeup });
      running.pickups.push(pickup);
      running.support.push(pickup);
    }
    return running;
  }

  private agentFor(entry: MasterEntry, cfg: MainConfig, running: Running, cleanup: ReturnType<typeof createCleanup>, rewrite: ReturnType<typeof createTrivialRewrite>): DeliveryAgent | undefined {
    if (entry.type !== 'unix') return undefined;
    const logger = this.logger;
    const transport = entry.service;
    switch (entry.command) {
      case 'smtp': {
        // Connection reuse through scache (L), in-process: Node cannot pass the socket to another process.
        const reuse = createSmtpReuse<SmtpConnection>({
          onDemand: cfg.bool('smtp_connection_cache_on_demand'), destinations: cfg.list('smtp_connection_cache_destinations'),
          cacheTimeLimit: cfg.time('smtp_connection_cache_time_limit'), reuseTimeLimit: cfg.time('smtp_connection_reuse_time_limit'),
          reuseCountLimit: cfg.int('smtp_connection_reuse_count_limit'),
        }, { ttlLimit: cfg.time('connection_cache_ttl_limit'), closeConnection: (c) => c.close() });
        running.support.push({ close: async () => reuse.close() });
        return createSmtpAgent({
          transport, logger, logService: logServiceName(cfg, 'smtp'), heloName: cfg.get('smtp_helo_name'),
          connectTimeoutMs: cfg.time('smtp_connect_timeout') * 1000, replyTimeoutMs: cfg.time('smtp_data_done_timeout') * 1000,
          lineLengthLimit: cfg.int('smtp_line_length_limit'), reuse,
        });
      }
      case 'local': {
        const aliases = new TableList(cfg.list('alias_maps'));
        running.tables.push(aliases);
        return createLocalAgent({
          settings: localSettings(cfg, transport), logger, cleanup, rewrite,
          aliasLookup: (name) => aliases.find([name]),
        });
      }
      case 'error':
        return createErrorAgent({ transport, logger, logService: logServiceName(cfg, 'error'), mode: transport === 'retry' ? 'retry' : 'error' });
      case 'discard':
        return createDiscardAgent({ transport, logger, logService: logServiceName(cfg, 'discard') });
      default:
        return undefined;
    }
  }

  private async stopServices(): Promise<void> {
    const r = this.running;
    this.running = undefined;
    if (!r) return;
    await Promise.all(r.listeners.map((l) => l.close()));
    await r.qmgr.stop();
    await Promise.all(r.tables.map((t) => t.close()));
    await Promise.all(r.support.map((s) => s.close()));
  }

  /** postfix reload: re-read main.cf and master.cf and restart the services. */
  async reload(): Promise<void> {
    const config = loadMainCf(this.opts.configDir);
    await this.stopServices();
    this.logger.reconfigure({ myhostname: config.get('myhostname'), syslogName: config.get('syslog_name'), path: config.get('maillog_file') || undefined });
    this.running = await this.startServices(config);
    this.logger.info('master', `reload -- version ${config.get('mail_version')}, configuration ${this.opts.configDir}`);
  }

  /** postqueue -f: attempt delivery of all queued mail now. */
  flush(): void {
    this.running?.qmgr.flush();
    this.running?.pickups.forEach((p) => p.wake());
  }

  /** Resolves when qmgr has nothing in flight (tests). */
  async idle(): Promise<void> {
    await this.running?.qmgr.idle();
  }

  async queue(): Promise<QueueEntry[]> {
    if (!this.running) return [];
    return showq(this.running.layout);
  }

  /** Stop every service; with a signal number, log "terminating on signal N" first. */
  async stop(signal?: number): Promise<void> {
    const queueDir = this.running?.config.get('queue_directory');
    if (signal !== undefined) this.logger.info('master', `terminating on signal ${signal}`);
    await this.stopServices();
    if (queueDir) await rm(join(queueDir, 'pid', 'master.pid'), { force: true });
  }
}
