/**
 * The services every daemon of the reference reaches in-process, made once per master start
 * from main.cf (the clients Postfix's daemons would open to each other's sockets): the queue
 * layout, the logger, tables (proxy: ones through proxymap), trivial-rewrite (started on first
 * use and throttled when its start-up fails, supervise.ts), cleanup, bounce, qmgr, flush, anvil
 * and verify. Their sockets are daemons of master.cf like any other (reference/services/
 * registry.ts); the objects behind them live here, as long as the master runs.
 *
 * registerAgent() is how delivery agents join qmgr (each wrapped so that its deferrals reach
 * flush(8)); agents are released after qmgr has stopped, so no delivery loses its resources.
 * Called by master.ts; daemon modules see it as DaemonContext.services (ReferenceDaemon).
 */
import type { MainConfig } from '../../config/index.ts';
import { QueueLayout } from '../../queue/layout.ts';
import { referenceTables, type OpenTable } from '../../global/maps.ts';
import type { Daemon } from '../../skeleton/daemon.ts';
import type { CleanupClient, DeliveryAgent } from '../contracts.ts';
import { createCleanup } from '../cleanup/cleanup.ts';
import { createBounce } from '../bounce/bounce.ts';
import { createQmgr, type Qmgr } from '../qmgr/qmgr.ts';
import { createTrivialRewrite, type TrivialRewrite } from '../trivial-rewrite/index.ts';
import type { FileLogger } from '../postlogd/postlogd.ts';
import { startProxymapServices, type ProxymapServices } from '../proxymap/services.ts';
import { startVerifyService } from '../verify/service.ts';
import type { VerifyClient } from '../verify/verify.ts';
import { createFlush, type FlushClient } from '../flush/flush.ts';
import { withFastFlush } from '../flush/agent.ts';
import { createAnvil, type Anvil } from '../anvil/anvil.ts';
import { supervise } from './supervise.ts';

export interface SharedServices {
  /** main.cf as the master read it (a daemon's own view, with -o overrides, is DaemonContext.config). */
  config: MainConfig;
  layout: QueueLayout;
  logger: FileLogger;
  /** How every daemon opens "type:name" tables. */
  openTable: OpenTable;
  proxy: ProxymapServices;
  rewrite: TrivialRewrite;
  cleanup: CleanupClient;
  qmgr: Qmgr;
  flush: FlushClient;
  anvil: Anvil;
  verify: VerifyClient;
  /** Make `agent` qmgr's agent for its transport; `release` runs after qmgr has stopped; `logService`, `processLimit`: see AgentServices. */
  registerAgent(agent: DeliveryAgent, release?: () => Promise<void>, logService?: string, processLimit?: number): void;
  /** Stop qmgr, release the agents, close everything else. */
  close(): Promise<void>;
}

/** A daemon of the reference: what registry.ts lists and master starts. */
export type ReferenceDaemon = Daemon<SharedServices>;

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

export async function startSharedServices(config: MainConfig, logger: FileLogger): Promise<SharedServices> {
  const layout = new QueueLayout(config.get('queue_directory'), { hashQueueNames: config.list('hash_queue_names'), hashQueueDepth: config.int('hash_queue_depth') });
  await layout.ensureDirs();
  const proxy = await startProxymapServices({ config, queueDirectory: layout.queueDir, logger, listen: false });
  const openTable = referenceTables({ config, proxy: proxy.client });
  const rewrite = supervisedRewrite(createTrivialRewrite(config, { openTable, checkTable: (spec) => proxy.checkTable(spec), warn: (t) => logger.warning('trivial-rewrite', t) }), config, logger);
  let qmgr: Qmgr | undefined;
  const cleanup = createCleanup({ config, layout, rewrite, logger, openTable, wakeQmgr: () => qmgr?.wake(), bounce: () => bounce });
  const bounce = createBounce({ config, layout, cleanup, logger });
  const q = (qmgr = createQmgr({ config, layout, rewrite, bounce, logger }));
  const flush = createFlush({ config, layout, trigger: (t) => (t === 'I' ? q.wake() : q.forgetDead()) });
  const anvil = createAnvil({ rateTimeUnit: config.time('anvil_rate_time_unit') });
  const verify = await startVerifyService({ config, queueDirectory: layout.queueDir, cleanup, writable: proxy.writable, logger, listen: false });
  const releases: (() => Promise<void>)[] = [];
  return {
    config, layout, logger, openTable, proxy, rewrite, cleanup, qmgr: q, flush, anvil, verify: verify.verify,
    registerAgent(agent, release, logService = agent.transport, processLimit = 0) {
      q.registerAgent(withFastFlush(agent, flush, (text) => logger.warning(logService, text)), processLimit);
      if (release) releases.push(release);
    },
    async close() {
      await q.stop();
      await Promise.all(releases.splice(0).map((release) => release()));
      await Promise.all([proxy.close(), verify.close()]);
    },
  };
}
