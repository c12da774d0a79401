/**
 * The `twinpost` command.
 *
 *   twinpost run   [--target T]... [--spec GLOB] [--report DIR]   the conformance suite
 *
 * Every command answers --help. Exit status: 0 when everything passed, 1 when a scenario
 * failed, 2 on a usage error.
 */
import { runCommand } from './commands/run.ts';

const USAGE = `usage: twinpost <command> [options]

commands:
  run     run conformance scenarios on one or more targets and write reports

Run "twinpost <command> --help" for the options of a command.`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return runCommand(rest);
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      console.log(USAGE);
      return cmd === undefined ? 2 : 0;
    default:
      console.error(`twinpost: unknown command "${cmd}"\n\n${USAGE}`);
      return 2;
  }
}
