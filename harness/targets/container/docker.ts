/**
 * The Docker side of the container target: whether an engine and the twinpost/postfix image
 * are there, testcontainers' environment for machines without a registry or a bridge network
 * (DESIGN.md §5), and the cleanup guarantee for containers.
 *
 * Every container the harness starts carries the labels twinpost.owner (the harness pid) and
 * twinpost.root (its instance root). Three layers remove them, as harness/util/cleanup.ts does
 * for processes and directories: the target's dispose(); a synchronous process-exit handler
 * here (`docker rm -f`, also reached from cleanup.ts's SIGINT/SIGTERM/SIGHUP handlers, which
 * call process.exit); and reapStaleContainers(), which removes containers whose owner
 * process no longer exists (the harness was killed with -9).
 */
import { execFileSync } from 'node:child_process';
import { isAlive } from '../../util/procs.ts';

/** The image scripts/docker-engine.sh builds from docker/postfix/Dockerfile. */
export const DEFAULT_IMAGE = process.env.TWINPOST_POSTFIX_IMAGE ?? 'twinpost/postfix:latest';
export const OWNER_LABEL = 'twinpost.owner';
export const ROOT_LABEL = 'twinpost.root';
export const ENGINE_HINT = 'run scripts/docker-engine.sh (as root) to install and start an engine and build the image';

/**
 * testcontainers must not look for a bridge gateway (there is none: dockerd runs with
 * --bridge=none) nor start Ryuk (its image cannot be pulled). Set before it is imported.
 */
export function prepareTestcontainersEnv(): void {
  process.env.TESTCONTAINERS_HOST_OVERRIDE ??= '127.0.0.1';
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
}

function docker(args: string[], timeoutMs = 10_000): string {
  return execFileSync('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, encoding: 'utf8' });
}

/** Why the container target cannot run here, or undefined when an engine answers and the image exists. */
export function containerUnavailable(image = DEFAULT_IMAGE): string | undefined {
  try {
    docker(['version', '--format', '{{.Server.Version}}'], 5_000);
  } catch {
    return `no Docker engine answers: ${ENGINE_HINT}`;
  }
  try {
    docker(['image', 'inspect', '--format', '{{.Id}}', image], 5_000);
  } catch {
    return `the image ${image} is absent: ${ENGINE_HINT}`;
  }
  return undefined;
}

export function containerAvailable(image = DEFAULT_IMAGE): boolean {
  return containerUnavailable(image) === undefined;
}

const live = new Set<string>();
let installed = false;

function removeAllSync(): void {
  if (!live.size) return;
  try {
    docker(['rm', '-f', ...live], 30_000);
  } catch {
    /* the engine may be gone; the next run's reaper tries again */
  }
  live.clear();
}

/** Remember a running container so that process exit removes it. */
export function trackContainer(id: string): void {
  if (!installed) {
    installed = true;
    process.on('exit', removeAllSync);
  }
  live.add(id);
}

export function untrackContainer(id: string): void {
  live.delete(id);
}

/** Remove containers left by harness processes that no longer exist. Returns their ids. */
export function reapStaleContainers(): string[] {
  let lines: string[];
  try {
    const out = docker(['ps', '-a', '--filter', `label=${OWNER_LABEL}`, '--format', `{{.ID}} {{.Label "${OWNER_LABEL}"}}`]);
    lines = out.split('\n').filter(Boolean);
  } catch {
    return [];
  }
  const stale = lines
    .map((l) => l.split(' '))
    .filter(([, owner]) => !isAlive(Number(owner)))
    .map(([id]) => id!);
  if (stale.length) {
    try {
      docker(['rm', '-f', ...stale], 30_000);
    } catch {
      return [];
    }
  }
  return stale;
}

/** Containers (running or not) that carry twinpost's owner label, for tests of the guarantee. */
export function labelledContainers(root?: string): string[] {
  const filter = root ? ['--filter', `label=${ROOT_LABEL}=${root}`] : ['--filter', `label=${OWNER_LABEL}`];
  return docker(['ps', '-a', '-q', ...filter]).split('\n').filter(Boolean);
}
