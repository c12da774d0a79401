/**
 * Starts socketmap-main.ts in a child process (node --import tsx, as the reference target runs
 * the MTA) and talks to it over its stdin/stdout: wait for "ready", ask for stats, stop.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = join(dirname(fileURLToPath(import.meta.url)), 'socketmap-main.ts');

export interface SocketmapProcess {
  readonly path: string;
  stats(): Promise<{ lookups: number; meanDelayMs: number }>;
  stop(): Promise<void>;
}

export async function spawnSocketmapServer(path: string, delayMs: number, suffix: string, value: string, timeoutMs = 20_000): Promise<SocketmapProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN, path, String(delayMs), suffix, value], {
    cwd: join(dirname(MAIN), '../..'),
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const waiting: ((line: string) => void)[] = [];
  lines.on('line', (line) => waiting.shift()?.(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const nextLine = (what: string) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`socketmap server: no ${what} within ${timeoutMs} ms`)), timeoutMs);
      const onExit = () => reject(new Error(`socketmap server exited before ${what}`));
      child.once('exit', onExit);
      waiting.push((line) => {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(line);
      });
    });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    const first = await nextLine('"ready"');
    if (first !== 'ready') throw new Error(`socketmap server: unexpected output ${first}`);
  } catch (e) {
    child.kill('SIGKILL');
    await exited;
    throw e;
  }
  return {
    path,
    async stats() {
      const reply = nextLine('stats');
      child.stdin!.write('stats\n');
      return JSON.parse(await reply) as { lookups: number; meanDelayMs: number };
    },
    stop,
  };
}
