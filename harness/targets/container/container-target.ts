/**
 * The `container` target: real Postfix (Debian's 3.7, image twinpost/postfix built from
 * docker/postfix/Dockerfile by scripts/docker-engine.sh) in a container started with
 * testcontainers, with the same contract as the postfix target (harness/targets/types.ts).
 *
 * The instance root (config, queue, data, mailboxes, maillog) is a host temp dir made by
 * harness/util/cleanup.ts and bind-mounted at the same path, so the configuration written by
 * config-dir.ts works unchanged and the harness reads the maillog and mailboxes directly. The
 * container uses the host network: smtpd listens on a free 127.0.0.1 port and the sinks on
 * 127.0.0.x are reached as on the host. Map files are compiled inside the container, with the
 * image's postmap/postalias. The container's init is master itself (twinpost-postfix runs
 * `master -i`), so:
 *  - readiness is master's "daemon started" line in the maillog, never a sleep;
 *  - crash() is `docker kill` (SIGKILL to the container's init: every Postfix process dies);
 *  - stop() is `docker stop` (SIGTERM to master, which stops its children);
 *  - restart() is `docker start` of the same container (its entry point runs again on the
 *    same instance root; the queue there is the state that survives);
 *  - dispose() removes the container, then the instance root.
 * postqueue (queue, flush) and sendmail run inside the container with `exec`.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StartedTestContainer } from 'testcontainers';
import type { MailConfig, SendmailResult } from '../types.ts';
import { InstanceTarget } from '../instance-target.ts';
import { parsePostqueueJson, type QueueEntry } from '../../observe/postqueue.ts';
import { MaillogFollower } from '../../observe/follow.ts';
import { instanceDirs, writeConfigDir, type Placeholders } from '../config-dir.ts';
import { destroyRootSync, makeInstanceRoot } from '../../util/cleanup.ts';
import { freePort } from '../../util/free-port.ts';
import {
  DEFAULT_IMAGE, OWNER_LABEL, ROOT_LABEL, containerUnavailable, prepareTestcontainersEnv, reapStaleContainers, trackContainer, untrackContainer,
} from './docker.ts';

export interface ContainerTargetOptions {
  /** Values for {{placeholders}} in the configuration (sink relays). */
  vars?: Placeholders;
  /** How long to wait for readiness and for events by default. */
  timeoutMs?: number;
  /** The Postfix image (default twinpost/postfix:latest, or $TWINPOST_POSTFIX_IMAGE). */
  image?: string;
}

/** File in the instance root listing the maps the container compiles before master starts. */
const BUILD_LIST = 'build-maps';

export class ContainerTarget extends InstanceTarget {
  readonly name = 'container' as const;
  private container?: StartedTestContainer;
  /** Whether Postfix (the container's init) runs now; the container itself lives until dispose(). */
  private running = false;
  private messages = 0;
  private readonly image: string;

  constructor(opts: ContainerTargetOptions = {}) {
    super(opts);
    this.image = opts.image ?? DEFAULT_IMAGE;
  }

  /** The running container's id, if any. */
  get containerId(): string | undefined {
    return this.container?.getId();
  }

  async start(config: MailConfig): Promise<void> {
    if (this.dirs) throw new Error('container target: already started');
    const why = containerUnavailable(this.image);
    if (why) throw new Error(`container target: ${why}`);
    reapStaleContainers();
    const dirs = instanceDirs(makeInstanceRoot('container'));
    this.dirs = dirs;
    this.port = await freePort();
    this.writeConfig(config);
    this.follower = new MaillogFollower(dirs.maillog);
    this.follower.start();
    await this.startContainer();
  }

  /** config-dir.ts writes the files; maps are compiled later, in the container (see BUILD_LIST). */
  private writeConfig(config: MailConfig): string[] {
    const dirs = this.need();
    const maps = config.maps ?? [];
    writeConfigDir(dirs, { ...config, maps: maps.map((m) => ({ ...m, build: 'none' as const })) }, this.port, this.vars);
    const builds = maps
      .filter((m) => (m.build ?? 'none') !== 'none')
      .map((m) => `${m.build} ${m.dbType ?? 'lmdb'}:${join(dirs.configDir, m.name)}`);
    writeFileSync(join(dirs.root, BUILD_LIST), builds.map((b) => b + '\n').join(''));
    return builds;
  }

  /** Start Postfix: a new container the first time, the same container again after stop/crash. */
  private async startContainer(): Promise<void> {
    const dirs = this.need();
    const from = this.follower!.events().length;
    if (this.container) {
      await (await this.handle()).start();
    } else {
      prepareTestcontainersEnv();
      const { GenericContainer } = await import('testcontainers');
      try {
        this.container = await new GenericContainer(this.image)
          .withNetworkMode('host')
          .withBindMounts([{ source: dirs.root, target: dirs.root, mode: 'rw' }])
          .withEnvironment({ TWINPOST_BUILD_MAPS: join(dirs.root, BUILD_LIST) })
          .withCommand([dirs.configDir])
          .withLabels({ [OWNER_LABEL]: String(process.pid), [ROOT_LABEL]: dirs.root })
          .withStartupTimeout(this.timeoutMs)
          .start();
      } catch (err) {
        throw new Error(`container target: the container did not start: ${(err as Error).message}`);
      }
      trackContainer(this.container.getId());
    }
    this.running = true;
    try {
      await this.waitForEvent((e) => e.kind === 'daemon-started', this.timeoutMs, from);
    } catch (err) {
      throw new Error(`container target: Postfix did not start: ${(err as Error).message}\n${await this.containerLog()}\n${this.maillog().slice(-2000)}`);
    }
  }

  /** The container's own output (the entry point's errors), for failure messages. */
  private async containerLog(): Promise<string> {
    if (!this.container) return '';
    try {
      const stream = await this.container.logs({ tail: 30 });
      let text = '';
      await new Promise<void>((resolve) => {
        stream.on('data', (d: Buffer) => (text += d.toString()));
        stream.on('end', resolve);
        stream.on('error', () => resolve());
        setTimeout(resolve, 2_000).unref();
      });
      return text.trim();
    } catch {
      return '';
    }
  }

  /** The dockerode handle of the container (start, stop, kill with a signal, wait, remove). */
  private async handle() {
    const { getContainerRuntimeClient } = await import('testcontainers');
    const client = await getContainerRuntimeClient();
    return client.container.getById(this.container!.getId());
  }

  async reload(config?: MailConfig): Promise<void> {
    this.need();
    if (!this.running) throw new Error('container target: reload while not running');
    if (config) {
      for (const build of this.writeConfig(config)) {
        const [tool, map] = build.split(' ');
        await this.exec([tool!, '-c', this.configDir, map!]);
      }
    }
    const from = this.follower!.events().length;
    await (await this.handle()).kill({ signal: 'SIGHUP' }); // what postfix reload does after its checks
    await this.waitForEvent((e) => e.kind === 'daemon-reloaded', this.timeoutMs, from);
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    // docker stop: SIGTERM to master, which terminates its children and exits; SIGKILL only
    // if that takes longer than the timeout. The container is kept for restart().
    await (await this.handle()).stop({ t: Math.ceil(this.timeoutMs / 1000) });
    this.running = false;
  }

  async crash(): Promise<void> {
    if (!this.running) return;
    const h = await this.handle();
    await h.kill({ signal: 'SIGKILL' });
    await h.wait(); // the container's init is gone, and with it every process in its pid namespace
    this.running = false;
  }

  async restart(): Promise<void> {
    this.need();
    if (this.running) await this.stop();
    await this.startContainer();
  }

  async dispose(): Promise<void> {
    if (!this.dirs) return;
    try {
      if (this.container) await this.removeContainer();
    } finally {
      this.follower?.stop();
      destroyRootSync(this.dirs.root);
      this.dirs = undefined;
    }
  }

  /** Orderly stop when possible (as the postfix target does), then remove the container. */
  private async removeContainer(): Promise<void> {
    const id = this.container!.getId();
    try {
      await this.stop();
    } catch {
      await this.crash().catch(() => undefined);
    }
    try {
      await (await this.handle()).remove({ force: true });
    } finally {
      untrackContainer(id);
      this.container = undefined;
      this.running = false;
    }
  }

  /** Run a command in the container; throws with its output when it exits non-zero. */
  private async exec(cmd: string[]): Promise<string> {
    if (!this.container || !this.running) throw new Error(`container target: ${cmd[0]} while not running`);
    const r = await this.container.exec(cmd);
    if (r.exitCode !== 0) throw new Error(`${cmd.join(' ')} exited with ${r.exitCode}: ${(r.stderr || r.stdout).trim()}`);
    return r.stdout;
  }

  async queue(): Promise<QueueEntry[]> {
    return parsePostqueueJson(await this.exec(['postqueue', '-c', this.configDir, '-j']));
  }

  async flush(): Promise<void> {
    await this.exec(['postqueue', '-c', this.configDir, '-f']);
  }

  async sendmail(args: string[], message: string): Promise<SendmailResult> {
    if (!this.container || !this.running) throw new Error('container target: sendmail while not running');
    // exec has no stdin: the message goes through a file in the shared instance root.
    const file = join(this.need().root, `sendmail-${++this.messages}.eml`);
    writeFileSync(file, message, { mode: 0o644 });
    try {
      const script = 'f=$1; shift; exec /usr/sbin/sendmail "$@" < "$f"';
      const r = await this.container.exec(['sh', '-c', script, 'sh', file, '-C', this.configDir, ...args]);
      return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
    } finally {
      rmSync(file, { force: true });
    }
  }

}

