/**
 * junit.xml: the RunResult in the JUnit XML layout CI systems read.
 *
 *   <testsuites name="twinpost" tests failures errors time>
 *     <testsuite name="<target>" tests failures errors skipped time timestamp>   (one per target)
 *       <testcase classname="<target>" name="<id>: <title>" file time>             (one per scenario)
 *         <properties><property name="twinpost.comparison" value="…"/></properties>
 *                                 oracle | compared | not compared with Postfix (see Comparison)
 *         <failure message="…" type="expectation">every expectation and its diff</failure>
 *         <error message="…" type="error">the error</error>
 *         <system-out>known divergences</system-out>
 *
 * Text and attributes are escaped; characters XML 1.0 cannot carry at all (most control
 * characters, lone surrogates) are written as visible \uXXXX escapes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NOT_COMPARED_LABEL, type RunResult, type ScenarioResult } from './types.ts';

/** Replace what XML 1.0 cannot represent by a visible escape. */
function xmlChars(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || c >= 0x10000;
    out += ok ? ch : `\\u${c.toString(16).padStart(4, '0')}`;
  }
  return out;
}

export function escapeText(s: string): string {
  return xmlChars(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s)
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    .replace(/\t/g, '&#9;')
    .replace(/\n/g, '&#10;')
    .replace(/\r/g, '&#13;');
}

function attrs(a: Record<string, string | number>): string {
  return Object.entries(a).map(([k, v]) => ` ${k}="${escapeAttr(String(v))}"`).join('');
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

function counts(list: ScenarioResult[]) {
  return {
    tests: list.length,
    failures: list.filter((s) => s.status === 'failed').length,
    errors: list.filter((s) => s.status === 'error').length,
  };
}

function testcase(s: ScenarioResult): string[] {
  const head = `    <testcase${attrs({ classname: s.target, name: `${s.id}: ${s.title}`, file: s.file, time: seconds(s.durationMs) })}`;
  const inner: string[] = [];
  if (s.comparison) {
    const value = s.comparison === 'not-compared' ? NOT_COMPARED_LABEL : s.comparison;
    inner.push(`      <properties><property${attrs({ name: 'twinpost.comparison', value })}/></properties>`);
  }
  if (s.status === 'failed') {
    const message = s.failures.length ? s.failures.map((f) => f.expectation).join('; ') : 'failed';
    const body = s.failures.map((f) => `${f.expectation}\n${f.diff}`).join('\n\n');
    inner.push(`      <failure${attrs({ message, type: 'expectation' })}>${escapeText(body)}</failure>`);
  }
  if (s.status === 'error') {
    const err = s.error ?? 'error';
    inner.push(`      <error${attrs({ message: err.split('\n')[0], type: 'error' })}>${escapeText(err)}</error>`);
  }
  if (s.knownDivergences?.length) {
    inner.push(`      <system-out>${escapeText(`known divergences:\n${s.knownDivergences.join('\n')}`)}</system-out>`);
  }
  return inner.length ? [`${head}>`, ...inner, '    </testcase>'] : [`${head}/>`];
}

export function renderJunitXml(run: RunResult): string {
  // One suite per target: the run's targets in order, then any other target a result names.
  const targets = [...run.targets];
  for (const s of run.scenarios) if (!targets.includes(s.target)) targets.push(s.target);
  const all = counts(run.scenarios);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: 'twinpost', ...all, time: seconds(run.durationMs) })}>`,
  ];
  for (const t of targets) {
    const list = run.scenarios.filter((s) => s.target === t);
    const time = seconds(list.reduce((sum, s) => sum + s.durationMs, 0));
    lines.push(`  <testsuite${attrs({ name: t, ...counts(list), skipped: 0, time, timestamp: run.startedAt })}>`);
    for (const s of list) lines.push(...testcase(s));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Write `dir`/junit.xml (creating `dir`) and return its path. */
export function writeJunitXml(dir: string, run: RunResult): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'junit.xml');
  writeFileSync(file, renderJunitXml(run));
  return file;
}
