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
import type { DialogLine } from '../scenario/types.ts';

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

/** A value as TypeScript source on one line: bare keys, JSON strings (so every byte stays visible), regular expressions as literals. */
export function inlineSource(value: unknown): string {
  if (value instanceof RegExp) return String(value);
  if (Array.isArray(value)) return `[${value.map(inlineSource).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    const fields = Object.entries(value).map(([k, v]) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : JSON.stringify(k)}: ${inlineSource(v)}`);
    return fields.length ? `{ ${fields.join(', ')} }` : '{}';
  }
  return JSON.stringify(value);
}

/** The fields of a regression scenario (smtpd-config.ts fuzzRegression()). */
export interface RegressionFields {
  name: string;
  title: string;
  rule: string;
  dialog: DialogLine[];
  removed?: number;
  events?: unknown[];
}

/** The source of a regression scenario file: its header comment, then a fuzzRegression() call, one dialog write per line. */
export function regressionSource(comment: string[], r: RegressionFields): string {
  return [
    "import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';",
    '',
    '/**',
    ...comment.map((l) => (l ? ` * ${l}` : ' *')),
    ' */',
    'export default fuzzRegression({',
    `  name: ${JSON.stringify(r.name)},`,
    `  title: ${JSON.stringify(r.title)},`,
    `  rule: ${JSON.stringify(r.rule)},`,
    '  dialog: [',
    ...r.dialog.map((d) => `    ${inlineSource(d)},`),
    '  ],',
    ...(r.removed ? [`  removed: ${r.removed},`] : []),
    ...(r.events ? [`  events: ${inlineSource(r.events)},`] : []),
    '});',
    '',
  ].join('\n');
}

/** The source of a regression scenario for `f`; `rule` is the Postfix rule it shows, in words. */
export function regressionScenario(f: FoundCase, name: string, rule: string): string {
  const comment = [
    ...rule.replace(/(.{1,95})(\s+|$)/g, '$1\n').trimEnd().split('\n'),
    '',
    `Found by \`twinpost fuzz smtpd --seed ${f.seed}\` (minimal case at path ${f.path}); the session's`,
    'writes are sent as they were, each expecting the reply code real Postfix gave; the',
    'comparison with Postfix checks the rest byte for byte. Made by `twinpost fuzz smtpd --to-spec`.',
    ...(f.session.end === 'hangup' ? ['(The fuzzed client hangs up without QUIT after its last write; so does the scenario.)'] : []),
  ];
  return regressionSource(comment, {
    name, title: `fuzzer regression: ${f.kind.slice(0, 100)}`, rule,
    dialog: regressionDialog(f), ...(f.removed > 0 ? { removed: f.removed } : {}),
  });
}
