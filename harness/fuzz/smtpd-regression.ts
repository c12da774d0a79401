/**
 * Found cases of the smtpd fuzzer (smtpd-campaign.ts FoundCase) on disk, and their conversion
 * into a regression scenario under specs/smtpd-fuzz/: a normal scenario (harness/scenario/types.ts)
 * with the fuzzer's configuration (smtpd-config.ts), the session's writes as raw `send` lines
 * expecting Postfix's reply codes, the close where Postfix closed, and a wait for every message
 * Postfix removed. It runs on both targets, and the conformance comparison then checks every
 * byte against Postfix as the fuzzer did. Called by `twinpost fuzz smtpd --save-found/--to-spec`.
 *
 * Limits of the scenario format, stated in the generated file: `send` takes text written as
 * UTF-8, so a session whose bytes are not valid UTF-8 cannot become a scenario (replay it with
 * `twinpost fuzz smtpd --replay FILE`); a session that hung up without QUIT ends with the
 * runner's QUIT instead.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FoundCase } from './smtpd-campaign.ts';
import { renderSession } from './smtpd-grammar.ts';

export function saveFound(dir: string, f: FoundCase): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `seed-${f.seed}-path-${f.path.replace(/:/g, '_')}.json`);
  writeFileSync(file, JSON.stringify(f, null, 2) + '\n');
  return file;
}

export function loadFound(file: string): FoundCase {
  return JSON.parse(readFileSync(file, 'utf8')) as FoundCase;
}

/** Bytes (one character per byte) as the text whose UTF-8 form they are, or undefined. */
export function asUtf8Text(bytes: string): string | undefined {
  const text = Buffer.from(bytes, 'latin1').toString('utf8');
  return Buffer.from(text, 'utf8').toString('latin1') === bytes ? text : undefined;
}

const code = (reply: string): number | undefined => (/^\d{3}/.test(reply) ? Number(reply.slice(0, 3)) : undefined);

/** Plain command lines, each ending in CRLF and holding no other CR or LF. */
function plainLines(bytes: string): string[] | undefined {
  if (!bytes.endsWith('\r\n')) return undefined;
  const lines = bytes.slice(0, -2).split('\r\n');
  return lines.every((l) => !/[\r\n]/.test(l)) ? lines : undefined;
}

type DialogLine = Record<string, unknown>;

/** The dialog of the scenario: one or more lines per write, expecting Postfix's reply codes. */
export function regressionDialog(f: FoundCase): DialogLine[] {
  const writes = renderSession(f.session, f.tag);
  const out: DialogLine[] = [];
  for (const [k, w] of writes.entries()) {
    const text = asUtf8Text(w.bytes);
    if (text === undefined) throw new Error(`write ${k + 1} is not UTF-8 (${JSON.stringify(w.bytes.slice(0, 60))}): a scenario's send is UTF-8 text; replay the case with twinpost fuzz smtpd --replay`);
    const codes = (f.replies[k] ?? []).map(code);
    const lines = plainLines(text);
    if (lines && lines.length > 1 && lines.length === codes.length && codes.every((c) => c !== undefined)) {
      out.push({ pipeline: lines, expect: codes });
    } else {
      out.push(codes[0] === undefined ? { send: text } : { send: text, expect: codes[0] });
      // the write's further replies, read one by one (an empty write reads the next reply)
      for (const c of codes.slice(1)) out.push(c === undefined ? { send: '' } : { send: '', expect: c });
    }
    const last = k === writes.length - 1;
    // A client that hangs up after its last write is followed by the server's close: the scenario hangs up too.
    if (f.session.end === 'hangup' && last) {
      out.push({ disconnect: true });
      break;
    }
    if (f.closedAfterWrite === k) {
      out.push({ expectClose: true });
      break;
    }
  }
  return out;
}

/**
 * The fuzzer's peer and configuration, written into a regression scenario as calls to
 * smtpd-config.ts (the one place they are defined) rather than as copies of their values.
 */
const SINKS_SOURCE = '__fuzz_sinks__';
const CONFIG_SOURCE = '__fuzz_config__';

/** A scenario object as TypeScript source: JSON with bare keys, the placeholders above as code. */
function scenarioSource(scenario: object): string {
  return JSON.stringify(scenario, null, 2)
    .replace(/^(\s*)"([A-Za-z_][A-Za-z0-9_]*)": /gm, '$1$2: ')
    .replace(`"${SINKS_SOURCE}"`, '{ [FUZZ_SINK]: {} }')
    .replace(`"${CONFIG_SOURCE}"`, 'fuzzMailConfig()');
}

/** The source of a regression scenario for `f`; `rule` is the Postfix rule it shows, in words. */
export function regressionScenario(f: FoundCase, name: string, rule: string): string {
  const steps: unknown[] = [{ kind: 'smtp', name: 'session', dialog: regressionDialog(f) }];
  if (f.removed > 0) steps.push({ kind: 'wait', event: { kind: 'removed' }, count: f.removed });
  const scenario = {
    id: `smtpd-fuzz/${name}`,
    title: `fuzzer regression: ${f.kind.slice(0, 100)}`,
    description: rule,
    sinks: SINKS_SOURCE,
    config: CONFIG_SOURCE,
    steps,
    expect: { queue: 'empty', ...(f.removed > 0 ? { events: [{ kind: 'removed', count: f.removed }] } : {}) },
  };
  const wrapped = rule.replace(/(.{1,95})(\s+|$)/g, ' * $1\n').trimEnd();
  return [
    "import type { Scenario } from '../../harness/scenario/types.ts';",
    "import { FUZZ_SINK, fuzzMailConfig } from '../../harness/fuzz/smtpd-config.ts';",
    '',
    '/**',
    wrapped,
    ' *',
    ` * Found by \`twinpost fuzz smtpd --seed ${f.seed}\` (minimal case at path ${f.path}); the session's`,
    ' * writes are sent as they were, each expecting the reply code real Postfix gave; the',
    ' * comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.',
    ...(f.session.end === 'hangup' ? [' * (The fuzzed client hangs up without QUIT after its last write; so does the scenario.)'] : []),
    ' */',
    `const scenario: Scenario = ${scenarioSource(scenario)};`,
    'export default scenario;',
    '',
  ].join('\n');
}
