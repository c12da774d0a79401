/**
 * For the targets' cleanup tests: run a fixture script in a separate Node process that starts
 * a target, prints one JSON line about it and waits; then interrupt that process the way a
 * user or a CI runner would (SIGTERM, or kill -9) and wait until it is gone.
 */
import { spawn } from 'node:child_process';

export interface HelperProcess<T> {
  /** What the fixture printed on its first line. */
  info: T;
  /** Send `signal` and resolve once the process has exited. */
  interrupt(signal: NodeJS.Signals): Promise<void>;
}

export async function startHelperProcess<T>(script: string): Promise<HelperProcess<T>> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const line = await new Promise<string>((res, rej) => {
    let buf = '';
    child.stdout.on('data', (d) => {
      buf += d;
      if (buf.includes('\n')) res(buf.split('\n')[0]!);
    });
    child.once('exit', (c) => rej(new Error(`${script} exited early (${c})`)));
  });
  return {
    info: JSON.parse(line) as T,
    async interrupt(signal) {
      child.kill(signal);
      await exited;
    },
  };
}
