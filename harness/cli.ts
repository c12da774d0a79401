/**
 * The `twinpost` command.
 *
 *   twinpost run   [--target T]... [--spec GLOB] [--report DIR] [--repeat N]   the conformance suite
 *   twinpost bench <rewrite|throughput|table-latency|all> [--quick]   benchmarks
 *   twinpost gate  -c CONFIG_DIR --spec SPECS [--report DIR]       a user's config as a CI gate
 *   twinpost mta   -c CONFIG_DIR start|stop|reload|status         the reference MTA, like postfix -c
 *   twinpost crash --target T [--messages N]                       kill -9 during a load; 0 lost?
 *   twinpost fuzz  rewrite --runs N [--seed S]                     trivial-rewrite vs real Postfix
 *   twinpost sendmail -C CONFIG_DIR [-f S] [-t] [-i] rcpt...        local submission to the reference MTA
 *   twinpost postqueue -c CONFIG_DIR -p|-j|-f                       the reference MTA's queue
 *
 * Every command answers --help. Exit status: 0 when everything passed, 1 when a scenario
 * failed, 2 on a usage error.
 */
import { runCommand } from './commands/run.ts';
import { benchCommand } from './commands/bench.ts';
import { gateCommand } from './commands/gate.ts';

const USAGE = `usage: twinpost <command> [options]

commands:
  run     run conformance scenarios on one or more targets and write reports
  bench   benchmarks: rewrite latency, throughput, transport-table latency (reports/bench.json)
  gate    test your own Postfix configuration against your own checks (CI gate)
  mta     run the reference MTA from a Postfix configuration directory (like postfix -c)
  crash   kill the mail system (kill -9) during a load, restart, drain: accepted/delivered/lost
  fuzz    differential fuzzing against real Postfix (fuzz rewrite: trivial-rewrite; fuzz smtpd: SMTP sessions)
  sendmail   submit a message (stdin) to the reference MTA, as Postfix sendmail(1)
  postqueue  list (-p, -j) or flush (-f) the reference MTA's queue, as Postfix postqueue(1)

Run "twinpost <command> --help" for the options of a command.`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'run':
      return runCommand(rest);
    case 'bench':
      return benchCommand(rest);
    case 'gate':
      return gateCommand(rest);
    case 'crash': {
      const { crashCommand } = await import('./commands/crash.ts');
      return crashCommand(rest);
    }
    case 'fuzz': {
      const { fuzzCommand } = await import('./commands/fuzz.ts');
      return fuzzCommand(rest);
    }
    case 'mta': {
      const { runMta } = await import('../reference/mta.ts');
      return runMta(rest);
    }
    case 'sendmail': {
      const { sendmailMain } = await import('../reference/commands/sendmail.ts');
      return sendmailMain(rest);
    }
    case 'postqueue': {
      const { postqueueMain } = await import('../reference/commands/postqueue.ts');
      return postqueueMain(rest);
    }
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
