/**
 * The README's "## Benchmarks" section, generated from bench.json by `twinpost bench ...
 * --readme`: the latest figures as tables, the machine and the exact commands that produced
 * them, and how the benchmarks measure. Only that section of README.md is replaced (it runs
 * from its heading to the next "## " heading, or to the end when it is last).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { BenchJson, Section } from './report.ts';
import { REWRITE_COLUMNS } from './rewrite.ts';

const HEADING = '## Benchmarks';

function machineLine(s: Section<unknown>): string {
  const m = s.machine;
  const busy = Math.max(m.loadAverage.start, m.loadAverage.end) > m.cores ? ' (busy: more runnable processes than cores, so expect noise and pessimistic figures)' : '';
  return `${m.host}: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, Postfix ${m.postfix}; 1-minute load average ${m.loadAverage.start} at the start, ${m.loadAverage.end} at the end${busy}; ${s.finishedAt}`;
}

/** A subsection's heading, the command and machine, what was run, and a table header. */
function head(title: string, s: Section<unknown>, what: string, columns: string[]): string[] {
  return [`### ${title}`, '', `\`${s.command}\` — ${machineLine(s)}. ${what}`, '', `| ${columns.join(' | ')} |`, `|${'---|'.repeat(columns.length)}`];
}

function rewriteMd(s: NonNullable<BenchJson['rewrite']>): string[] {
  const r = s.result;
  const out = head(
    'trivial-rewrite latency (`bench rewrite`)',
    s,
    `${r.requestsPerColumn} measured requests per column and request type after ${r.warmup} warm-up requests, interleaved in batches of ${r.batch}; ${r.domains} table entries, half the addresses hit.`,
    ['transport_maps', 'column', 'resolve p50 / p99 µs', 'rewrite p50 / p99 µs', 'resolve/s', 'ratio to postfix (resolve p50, p99)'],
  );
  const notes: string[] = [];
  for (const row of r.rows) {
    for (const c of REWRITE_COLUMNS) {
      const x = row.columns[c];
      if (x.status !== 'ok') {
        out.push(`| ${row.table} | ${c} | ${x.reason} | | | |`);
        continue;
      }
      const ratio = x.ratioToPostfix ? `×${x.ratioToPostfix.resolveP50}, ×${x.ratioToPostfix.resolveP99}` : '—';
      if (x.note && !notes.includes(x.note)) notes.push(x.note);
      const mark = x.note ? ` ${'*'.repeat(notes.indexOf(x.note) + 1)}` : '';
      out.push(`| ${row.table} | ${c}${mark} | ${x.resolve.p50} / ${x.resolve.p99} | ${x.rewrite.p50} / ${x.rewrite.p99} | ${x.resolvePerSec} | ${ratio} |`);
    }
  }
  if (notes.length) out.push('', ...notes.map((n, i) => `${'\\*'.repeat(i + 1)} ${n}.`));
  return out;
}

function throughputMd(s: NonNullable<BenchJson['throughput']>): string[] {
  const r = s.result;
  const out = head(
    'End-to-end throughput (`bench throughput`)',
    s,
    `${r.messages} messages of ${r.sizeBytes} bytes, ${r.recipients} recipient(s) each, ${r.sessions} concurrent SMTP sessions, relayed to a capture sink.`,
    ['target', 'accepted/s', 'delivered/s', 'latency p50 / p90 / p99 ms', 'peak summed RSS', 'load average during the run'],
  );
  for (const [name, t] of Object.entries(r.targets)) {
    if (t.status !== 'ok') {
      const p = t.partial;
      const partial = p ? ` Over the ${p.delivered} messages that arrived: ${p.acceptedPerSec} accepted/s, ${p.deliveredPerSec} delivered/s, latency p50 ${p.latencyMs.p50} ms, peak ${p.peakRssMiB} MiB.` : '';
      out.push(`| ${name} | ${t.reason}${partial} | | | | |`);
    }
    else {
      const load = t.loadAverage ? `${t.loadAverage.start} → ${t.loadAverage.end}` : '';
      out.push(`| ${name} | ${t.acceptedPerSec} | ${t.deliveredPerSec} | ${t.latencyMs.p50} / ${t.latencyMs.p90} / ${t.latencyMs.p99} | ${t.peakRssMiB} MiB (${t.peakProcesses} processes) | ${load} |`);
    }
  }
  if (r.ratios) out.push('', `Reference ÷ real Postfix: delivered/s ×${r.ratios.deliveredPerSec}, peak memory ×${r.ratios.peakRss}.`);
  return out;
}

function tableLatencyMd(s: NonNullable<BenchJson['tableLatency']>): string[] {
  const r = s.result;
  const out = head(
    'How much does a slow transport table slow qmgr? (`bench table-latency`)',
    s,
    `Real Postfix, ${r.messages} messages per point, ${r.sessions} SMTP sessions.`,
    ['transport_maps', 'added per lookup (nominal → measured)', 'lookups per message', 'delivered/s', 'latency p50 / p99 ms'],
  );
  for (const p of r.points) {
    const table = p.addedMs === null ? 'unset' : 'socketmap:';
    const added = p.addedMs === null ? '—' : `${p.addedMs} ms → ${p.measuredMs} ms`;
    const res = p.result.status === 'ok' ? `${p.result.deliveredPerSec} | ${p.result.latencyMs.p50} / ${p.result.latencyMs.p99}` : `${p.result.reason} |`;
    out.push(`| ${table} | ${added} | ${p.lookupsPerMessage ?? '—'} | ${res} |`);
  }
  return out;
}

const METHOD = [
  '### How these are measured',
  '',
  '- **rewrite**: one request outstanding at a time (as qmgr sends them), each timed with',
  '  `process.hrtime`. Columns: real `trivial-rewrite` over `private/rewrite` of a private',
  '  instance; the reference behind the same attribute protocol on its own Unix socket; the',
  '  reference called in-process. Every request uses a different address, so no one-entry cache',
  '  answers. Each reference column is first checked against real Postfix on 200 addresses',
  '  (`agreement` in bench.json). The reference reaches `proxy:` tables through its own',
  '  proxymap: over that service\'s Unix socket for the socket column, by a direct call for the',
  '  in-process one. A table type the reference cannot open is reported as not available, never',
  '  timed. pgsql: uses a private PostgreSQL (initdb, trust authentication, removed afterwards);',
  '  both Postfix and the reference keep one connection open per table.',
  '- **throughput**: sink arrival time of each message minus the time its 250 after DATA',
  '  arrived; peak memory samples the summed VmRSS of every process in the target\'s session',
  '  (Postfix master and all its daemons; the reference MTA\'s Node process) every 100 ms. Both',
  '  targets keep their fsync discipline (queue file synced before the 250). The targets run one',
  '  after the other in the same run; on a shared machine the load can change between them, so',
  '  each row shows the load average during its own run.',
  '- **table latency**: the table is `socketmap:` served by a small Node server',
  '  (harness/bench/socketmap-server.ts) in its own process, which waits a fixed time before',
  '  every answer (a timer, then a spin to the deadline for sub-millisecond delays). A socketmap',
  '  server was chosen over pgsql with `pg_sleep` because it isolates the added latency exactly,',
  '  stands for any remote table (proxy:, SQL, LDAP) and reports the delay it actually added per',
  '  lookup. The table routes every recipient to the sink. Every recipient is resolved twice',
  '  (smtpd\'s RCPT check, then qmgr), and Postfix asks a socketmap: (or tcp:) table only for the',
  '  full address — it treats such tables like regexp: tables — hence about 2 lookups per message;',
  '  a key/value table such as pgsql: with a plain `%s` query is also asked for the domain.',
  '- Figures depend on the machine and on everything else running on it (see the load average).',
  '  Speed is never asserted in tests; `harness/bench/bench.smoke.test.ts` only checks that the',
  '  quick forms fill every column or say why not. Charts: `reports/bench-*.svg`.',
];

export function renderBenchmarksSection(bench: BenchJson): string {
  const parts: string[][] = [[HEADING, '', 'Latest figures from `twinpost bench` (regenerate with `--readme`).']];
  if (bench.rewrite) parts.push(rewriteMd(bench.rewrite));
  if (bench.throughput) parts.push(throughputMd(bench.throughput));
  if (bench.tableLatency) parts.push(tableLatencyMd(bench.tableLatency));
  parts.push(METHOD);
  return parts.map((p) => p.join('\n')).join('\n\n') + '\n';
}

/** Replace (or append) the "## Benchmarks" section of the README at `path`. */
export function updateReadme(path: string, section: string): void {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const start = text.search(/^## Benchmarks[ \t]*$/m);
  if (start < 0) {
    writeFileSync(path, (text.endsWith('\n') || text === '' ? text : text + '\n') + (text ? '\n' : '') + section);
    return;
  }
  const after = text.slice(start + HEADING.length);
  const next = after.search(/^## /m);
  const rest = next < 0 ? '' : '\n' + after.slice(next);
  writeFileSync(path, text.slice(0, start) + section + rest);
}
