/**
 * The system under test of the queue model: the reference queue (reference/queue) with the
 * reference cleanup, bounce, qmgr and postsuper, wired in-process on one temporary queue
 * directory, with
 *   - an injectable clock (no real waiting: time moves only when advance() says so);
 *   - a scripted smtp delivery agent: per domain "up" / "refused" (connection refused, the
 *     destination is throttled) / "lost" (connection lost, recipients deferred), per address
 *     "ok" (2xx) / "tempfail" (4xx) / "permfail" (5xx), and a one-shot "crash" that records the
 *     batch as delivered by the remote side and then kills the mail system before qmgr can
 *     update the queue file (the at-least-once window);
 *   - crash + restart: the in-memory cleanup/bounce/qmgr objects of a "generation" are dropped
 *     and new ones are made on the same queue directory (qmgr recovers active/ on start).
 * Every agent call and log line is recorded with its generation, for the model (model.ts).
 * A queue run after time has passed is a qmgr restart: start() scans incoming/ and the due
 * part of deferred/, which is what qmgr's queue_run_delay timer does.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseMainCf } from '../../reference/config/main-cf.ts';
import { QueueLayout } from '../../reference/queue/layout.ts';
import { readQueueFile } from '../../reference/queue/queue-file.ts';
import { REC, encodeRecord } from '../../reference/queue/records.ts';
import type { CleanupClient, DeliveryAgent, DeliveryOutcome, DeliveryRequest, Logger, RecipientStatus } from '../../reference/services/contracts.ts';
import { createCleanup } from '../../reference/services/cleanup/cleanup.ts';
import { createBounce } from '../../reference/services/bounce/bounce.ts';
import { createQmgr, type Qmgr } from '../../reference/services/qmgr/qmgr.ts';
import { createTrivialRewrite } from '../../reference/services/trivial-rewrite/index.ts';
import { postsuper, type PostsuperAction } from '../../reference/commands/postsuper.ts';
import { pickupMaildrop } from './pickup.ts';

export type DomainState = 'up' | 'refused' | 'lost';
export type AddressState = 'ok' | 'tempfail' | 'permfail';

/** Queue timing used by the model (seconds). */
export const TIMING = {
  minimal_backoff_time: 300,
  maximal_backoff_time: 4000,
  maximal_queue_lifetime: 3 * 3600,
  bounce_queue_lifetime: 3600,
};

export interface LogLine {
  gen: number;
  service: string;
  text: string;
}

export interface AgentCall {
  gen: number;
  queueId: string;
  nexthop: string;
  /** What the agent answered (or would have answered) per recipient. */
  answers: { address: string; outcome: DeliveryOutcome }[];
  /** Addresses the remote side accepted (a delivery happened, whatever qmgr learns). */
  delivered: string[];
  destinationFailed: boolean;
  /** The call never returned a result to qmgr (the system crashed). */
  threw: boolean;
}

interface Generation {
  id: number;
  cleanup: CleanupClient;
  qmgr: Qmgr;
}

export class CrashedError extends Error {
  constructor() {
    super('mail system crashed');
  }
}

export class QueueSystem {
  readonly lines: LogLine[] = [];
  readonly calls: AgentCall[] = [];
  /** Content of every message an agent saw, by queue ID (DSNs are checked against it). */
  readonly contents = new Map<string, string>();
  readonly domains = new Map<string, DomainState>();
  readonly addresses = new Map<string, AddressState>();
  crashArmed = false;
  private crashed = false;
  private offsetMs = 0;
  private current!: Generation;
  private genCount = 0;
  private aborted = 0;
  private readonly rewrite;

  private constructor(
    readonly dir: string,
    readonly layout: QueueLayout,
    private readonly config: ReturnType<typeof parseMainCf>,
    private readonly baseMs: number,
  ) {
    this.rewrite = createTrivialRewrite(config);
  }

  static async create(): Promise<QueueSystem> {
    // tmpfs when there is one: the queue fsyncs every step, and the model runs thousands of steps.
    const dir = await mkdtemp(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'twinpost-qmodel-'));
    const main: Record<string, string> = {
      myhostname: 'mx.twinpost.test', mydestination: '$myhostname localhost', queue_directory: join(dir, 'queue'),
      minimal_backoff_time: `${TIMING.minimal_backoff_time}s`, maximal_backoff_time: `${TIMING.maximal_backoff_time}s`,
      maximal_queue_lifetime: `${TIMING.maximal_queue_lifetime}s`, bounce_queue_lifetime: `${TIMING.bounce_queue_lifetime}s`,
      // Queue runs are explicit (advance()); the timer must never fire during a test.
      queue_run_delay: '1d', delay_warning_time: '0h',
    };
    const config = parseMainCf(Object.entries(main).map(([k, v]) => `${k} = ${v}\n`).join(''));
    const layout = new QueueLayout(join(dir, 'queue'), { hashQueueNames: config.list('hash_queue_names'), hashQueueDepth: config.int('hash_queue_depth') });
    await layout.ensureDirs();
    // An hour ahead of the wall clock, whole seconds: files cleanup writes (real mtime) are
    // always due, and every time the model computes is an exact integer.
    const base = Math.ceil(Date.now() / 1000) * 1000 + 3_600_000;
    const sys = new QueueSystem(dir, layout, config, base);
    await sys.startGeneration();
    return sys;
  }

  /** The fake wall clock (ms). */
  now(): number {
    return this.baseMs + this.offsetMs;
  }

  get generation(): number {
    return this.current.id;
  }

  private logger(gen: number): Logger {
    return {
      info: (service, text) => this.lines.push({ gen, service, text }),
      warning: (service, text) => this.lines.push({ gen, service, text: `warning: ${text}` }),
      fatal: (service, text) => this.lines.push({ gen, service, text: `fatal: ${text}` }),
    };
  }

  private async startGeneration(): Promise<void> {
    const id = ++this.genCount;
    const logger = this.logger(id);
    const clock = () => this.now();
    let qmgr: Qmgr | undefined;
    const cleanup = createCleanup({ config: this.config, layout: this.layout, rewrite: this.rewrite, logger, clock, wakeQmgr: () => qmgr?.wake() });
    const bounce = createBounce({ config: this.config, layout: this.layout, cleanup, logger, clock });
    qmgr = createQmgr({ config: this.config, layout: this.layout, rewrite: this.rewrite, bounce, logger, clock });
    qmgr.registerAgent(this.agent(id));
    this.crashed = false;
    this.current = { id, cleanup, qmgr };
    await qmgr.start();
  }

  private agent(gen: number): DeliveryAgent {
    return {
      transport: 'smtp',
      deliver: async (req: DeliveryRequest) => {
        const call: AgentCall = { gen, queueId: req.queueId, nexthop: req.nexthop, answers: [], delivered: [], destinationFailed: false, threw: false };
        this.calls.push(call);
        if (this.crashed || gen !== this.current.id) {
          call.threw = true;
          throw new CrashedError();
        }
        const msg = await readQueueFile(req.queueFile);
        if (!this.contents.has(req.queueId)) this.contents.set(req.queueId, msg.content.toString('latin1'));
        const result = this.answer(req);
        call.answers = result.recipients.map((r) => ({ address: r.address, outcome: r.outcome }));
        call.destinationFailed = result.destinationFailed === true;
        call.delivered = result.recipients.filter((r) => r.outcome === 'sent').map((r) => r.address);
        if (this.crashArmed) {
          this.crashArmed = false;
          this.crashed = true;
          call.threw = true;
          throw new CrashedError();
        }
        return result;
      },
    };
  }

  /** The scripted remote side. */
  private answer(req: DeliveryRequest): { recipients: RecipientStatus[]; destinationFailed?: boolean } {
    const host = req.nexthop;
    const state = this.domains.get(host) ?? 'up';
    const status = (address: string, offset: number, outcome: DeliveryOutcome, dsn: string, text: string): RecipientStatus =>
      ({ offset, address, outcome, dsn, text, relay: `${host}[127.0.0.1]:25` });
    if (state === 'refused') {
      return {
        destinationFailed: true,
        recipients: req.recipients.map((r) => status(r.address, r.offset, 'deferred', '4.4.1', `connect to ${host}[127.0.0.1]:25: Connection refused`)),
      };
    }
    if (state === 'lost') {
      return { recipients: req.recipients.map((r) => status(r.address, r.offset, 'deferred', '4.4.2', `lost connection with ${host}[127.0.0.1] while sending RCPT TO`)) };
    }
    return {
      recipients: req.recipients.map((r) => {
        const a = this.addresses.get(r.address) ?? 'ok';
        if (a === 'ok') return status(r.address, r.offset, 'sent', '2.0.0', '250 2.0.0 Ok: queued');
        if (a === 'tempfail') {
          return { ...status(r.address, r.offset, 'deferred', '4.2.0', `host ${host}[127.0.0.1] said: 450 4.2.0 <${r.address}>: try again later (in reply to RCPT TO command)`), diagType: 'smtp', diagText: '450 4.2.0 try again later', mtaType: 'dns', mtaName: host };
        }
        return { ...status(r.address, r.offset, 'bounced', '5.1.1', `host ${host}[127.0.0.1] said: 550 5.1.1 <${r.address}>: no such user (in reply to RCPT TO command)`), diagType: 'smtp', diagText: '550 5.1.1 no such user', mtaType: 'dns', mtaName: host };
      }),
    };
  }

  /**
   * Wait until nothing is in flight; when the scripted crash fired, finish the crash: drop the
   * generation and restart on the same queue directory, then wait again.
   */
  async settle(): Promise<void> {
    for (;;) {
      await this.current.qmgr.idle();
      if (!this.crashed) return;
      await this.restart();
    }
  }

  /** Drop every in-memory object (as kill -9 would) and start a new generation. */
  async restart(): Promise<void> {
    // stop() only clears the timer and waits for in-flight work; it writes nothing.
    await this.current.qmgr.stop();
    await this.startGeneration();
  }

  /** Inject as smtpd would (source smtpd, remote rewrite context, its Received: header). */
  async inject(source: 'smtpd' | 'pickup', sender: string, recipients: string[], tag: string): Promise<string> {
    const handle = await this.current.cleanup.open(source);
    const received = source === 'smtpd'
      ? `Received: from client.test (client.test [127.0.0.1])\n\tby mx.twinpost.test (Postfix) with ESMTP id ${handle.queueId}\n`
      : `Received: by mx.twinpost.test (Postfix, from userid 0)\n\tid ${handle.queueId}\n`;
    const content = `${received}X-Twinpost-Tag: ${tag}\nSubject: model message ${tag}\n\nbody of ${tag}\n`;
    const reply = await handle.submit({
      source, sender, content: Buffer.from(content),
      recipients: recipients.map((address) => ({ address, dsnOrcpt: source === 'smtpd' ? `rfc822;${address}` : undefined })),
      attributes: source === 'smtpd'
        ? { rewrite_context: 'remote', client_name: 'client.test', client_address: '127.0.0.1', protocol_name: 'ESMTP', helo_name: 'client.test' }
        : { rewrite_context: 'local' },
    });
    if (reply.status !== 0) throw new Error(`cleanup refused ${tag}: ${reply.status} ${reply.reason ?? ''}`);
    return reply.queueId;
  }

  /**
   * The system dies while cleanup writes a queue file: an incomplete file (mode 0600, the C
   * record not yet filled in) stays in incoming/; then restart.
   */
  async injectAborted(): Promise<void> {
    const id = `${(this.aborted++).toString(16).toUpperCase().padStart(5, '0')}ABC`;
    const partial = Buffer.concat([encodeRecord(REC.SIZE, ' '.repeat(95)), encodeRecord(REC.TIME, '0 0'), encodeRecord(REC.FROM, 'x@d4.test')]);
    await writeFile(this.layout.pathOf('incoming', id), partial, { mode: 0o600, flag: 'wx' });
    await this.restart();
  }

  async flush(): Promise<void> {
    this.current.qmgr.flush();
  }

  /** Let `seconds` pass, then a deferred-queue run. */
  async advance(seconds: number): Promise<void> {
    this.offsetMs += seconds * 1000;
    await this.restart();
  }

  async postsuper(action: PostsuperAction, queueId: string): Promise<number> {
    return postsuper({ layout: this.layout, logger: this.logger(this.current.id), clock: () => this.now() }, action, [queueId]);
  }

  /** postsuper -r then pickup: returns the new queue ID of the requeued message. */
  async requeue(queueId: string): Promise<string | undefined> {
    if ((await this.postsuper('requeue', queueId)) !== 1) return undefined;
    const ids = await pickupMaildrop(this.layout, this.current.cleanup);
    return ids.get(queueId);
  }

  async dispose(): Promise<void> {
    try {
      await this.current.qmgr.stop();
    } finally {
      await rm(this.dir, { recursive: true, force: true });
    }
  }
}
