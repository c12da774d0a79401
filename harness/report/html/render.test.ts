/**
 * The page as text: grouping by scenario with targets side by side, failures with diffs, known
 * divergences, transcripts, escaping, and that the file is self-contained. (The browser test,
 * browser.test.ts, renders a report from a real run in Chromium.)
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunResult, ScenarioResult } from '../types.ts';
import { renderHtmlReport, writeHtmlReport } from './render.ts';
import { reportConfig } from './run-config.ts';
import { parseMaillogLine } from '../../observe/parse.ts';
import { createNormaliser } from '../../observe/normalise.ts';
import { scratchDir } from '../../util/cleanup.ts';

function observed(fixture: string) {
  const norm = createNormaliser();
  const maillog = readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8');
  const events = maillog.split('\n').flatMap((l) => {
    const e = parseMaillogLine(l);
    return e ? [norm.event(e)] : [];
  });
  const transcripts = [{ name: 'smtp session 1', lines: [{ dir: 'S', text: '220 mx.twinpost.test ESMTP' }, { dir: 'C', text: 'EHLO <client>' }] }];
  return { events, transcripts, maillog, sinks: {}, queue: [], mailboxes: {}, config: reportConfig({ main: {} }) };
}

function result(over: Partial<ScenarioResult>): ScenarioResult {
  return { id: 'local/alias', title: 'alias', file: 'specs/local/alias.ts', target: 'postfix', status: 'passed', durationMs: 1200, failures: [], ...over };
}

const run: RunResult = {
  startedAt: '2026-11-28T20:00:00.000Z',
  durationMs: 5000,
  targets: ['postfix', 'reference'],
  scenarios: [
    result({ observations: observed('alias-reinjection.maillog') }),
    result({
      target: 'reference',
      status: 'failed',
      failures: [{ expectation: 'mailbox <nobody> holds 1 message(s)', diff: '- 1 message\n+ 0 messages <none>' }],
      knownDivergences: ['Received header: the reference writes no (Postfix) comment'],
      observations: observed('alias-reinjection.maillog'),
    }),
    result({ id: 'smtp/bounce', title: 'a 550 bounces', file: 'specs/smtp/bounce.ts', observations: observed('bounce.maillog') }),
    result({ id: 'smtp/bounce', title: 'a 550 bounces', file: 'specs/smtp/bounce.ts', target: 'reference', status: 'error', error: 'Error: timeout <waiting>' }),
  ],
};

describe('renderHtmlReport', () => {
  const html = renderHtmlReport(run);

  it('summarises per target', () => {
    expect(html).toMatch(/<tr data-target="postfix"><th>postfix<\/th><td class="num passed">2<\/td><td class="num failed">0<\/td><td class="num error">0<\/td><td class="num not-compared">0<\/td><td class="num">2<\/td><\/tr>/);
    expect(html).toMatch(/<tr data-target="reference"><th>reference<\/th><td class="num passed">0<\/td><td class="num failed">1<\/td><td class="num error">1<\/td><td class="num not-compared">0<\/td><td class="num">2<\/td><\/tr>/);
    expect(html).toContain('<title>twinpost report — 2 of 4 scenario runs did not pass</title>');
  });

  it('marks a run nobody compared with Postfix, in the summary, the matrix, its column and the title', () => {
    const alone = renderHtmlReport({ ...run, targets: ['reference'], scenarios: [result({ target: 'reference', comparison: 'not-compared' })] });
    expect(alone).toMatch(/<tr data-target="reference"><th>reference<\/th><td class="num passed">1<\/td><td class="num failed">0<\/td><td class="num error">0<\/td><td class="num not-compared">1<\/td>/);
    expect(alone).toContain('<title>twinpost report — all 1 scenario runs passed; 1 not compared with Postfix</title>');
    expect(alone.match(/<span class="badge not-compared">not compared with Postfix<\/span>/g)).toHaveLength(2);
    expect(html).not.toContain('badge not-compared');
  });

  it('has one section per scenario with both targets side by side', () => {
    const sections = html.match(/<section class="scenario" id="[^"]+" data-scenario="([^"]+)">/g);
    expect(sections).toEqual([
      '<section class="scenario" id="scenario-local-alias" data-scenario="local/alias">',
      '<section class="scenario" id="scenario-smtp-bounce" data-scenario="smtp/bounce">',
    ]);
    const alias = html.slice(html.indexOf('data-scenario="local/alias"'), html.indexOf('data-scenario="smtp/bounce"'));
    expect(alias.match(/<div class="target" data-target="(\w+)" data-status="(\w+)">/g)).toEqual([
      '<div class="target" data-target="postfix" data-status="passed">',
      '<div class="target" data-target="reference" data-status="failed">',
    ]);
    expect(alias).toContain('grid-template-columns: repeat(2, minmax(0, 1fr))');
  });

  it('shows failures with coloured, escaped diffs, errors and known divergences', () => {
    expect(html).toContain('<div class="expectation">mailbox &lt;nobody&gt; holds 1 message(s)</div><pre class="diff"><span class="del">- 1 message</span>\n<span class="add">+ 0 messages &lt;none&gt;</span></pre>');
    expect(html).toContain('<pre class="error">Error: timeout &lt;waiting&gt;</pre>');
    expect(html).toContain('<li><strong>Received header</strong> — the reference writes no (Postfix) comment</li>');
  });

  it('draws a message-flow diagram per target run and the architecture once', () => {
    expect(html.match(/<svg class="flow-diagram"/g)).toHaveLength(3); // the errored run observed nothing
    expect(html.match(/<svg class="architecture-diagram"/g)).toHaveLength(1);
    expect(html).toContain('<li><strong>Q2</strong>: local → cleanup → qmgr → smtp → remote SMTP</li>');
    expect(html).toContain('<li><strong>Q2</strong>: bounce → cleanup → qmgr → local</li>');
    expect(html).toContain('No message flow was observed');
  });

  it('shows transcripts with escaped text', () => {
    expect(html).toContain('<span class="c">C: EHLO &lt;client&gt;</span>');
    expect(html).toContain('<span class="s">S: 220 mx.twinpost.test ESMTP</span>');
  });

  it('is self-contained: no scripts, no external resources', () => {
    expect(html).not.toMatch(/<script|<link|<img|src=|@import|url\(/i);
    expect(html.match(/https?:\/\/[^"\s<]+/g)?.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('renders a run with no scenarios', () => {
    const empty = renderHtmlReport({ startedAt: 'x', durationMs: 0, targets: [], scenarios: [] });
    expect(empty).toContain('all 0 scenario runs passed');
    expect(empty).toContain('No master.cf was recorded with this run.');
  });
});

describe('writeHtmlReport', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('writes dir/index.html, creating the directory', () => {
    dir = scratchDir('html');
    const file = writeHtmlReport(join(dir, 'nested'), run);
    expect(file).toBe(join(dir, 'nested', 'index.html'));
    expect(readFileSync(file, 'utf8')).toBe(renderHtmlReport(run));
  });
});
