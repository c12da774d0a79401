/**
 * results.json and junit.xml writers. The XML is read back with a small strict XML reader
 * (below) and checked structurally: suites, cases, counts, and escaping round trips.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeJunitXml, writeResultsJson, type RunResult } from './index.ts';
import { scratchDir } from '../util/cleanup.ts';

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** A strict reader for the XML subset we write; throws on anything malformed. */
function parseXml(src: string): El {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`XML: ${why} at offset ${i}: ${JSON.stringify(src.slice(i, i + 40))}`);
  };
  const decode = (s: string): string => {
    let out = '';
    for (let k = 0; k < s.length; k++) {
      const ch = s[k];
      if (ch === '<') fail('raw < in character data');
      if (ch !== '&') {
        out += ch;
        continue;
      }
      const end = s.indexOf(';', k);
      if (end < 0) fail('unterminated entity');
      const name = s.slice(k + 1, end);
      if (name.startsWith('#')) out += String.fromCodePoint(Number(name.startsWith('#x') ? `0x${name.slice(2)}` : name.slice(1)));
      else if (name in ENTITIES) out += ENTITIES[name];
      else fail(`unknown entity &${name};`);
      k = end;
    }
    return out;
  };
  const skipSpace = () => {
    while (i < src.length && ' \t\r\n'.includes(src[i])) i++;
  };
  const readName = (): string => {
    const start = i;
    while (i < src.length && /[\w:.-]/.test(src[i])) i++;
    if (i === start) fail('name expected');
    return src.slice(start, i);
  };
  const element = (): El => {
    if (src[i] !== '<') fail('< expected');
    i++;
    const el: El = { name: readName(), attrs: {}, children: [], text: '' };
    for (;;) {
      skipSpace();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      const key = readName();
      if (src[i] !== '=' || src[i + 1] !== '"') fail('="value" expected');
      const end = src.indexOf('"', i + 2);
      if (end < 0) fail('unterminated attribute');
      if (key in el.attrs) fail(`duplicate attribute ${key}`);
      el.attrs[key] = decode(src.slice(i + 2, end));
      i = end + 1;
    }
    for (;;) {
      const lt = src.indexOf('<', i);
      if (lt < 0) fail('unclosed element');
      el.text += decode(src.slice(i, lt));
      i = lt;
      if (src.startsWith('</', i)) {
        i += 2;
        if (readName() !== el.name) fail(`mismatched end tag for ${el.name}`);
        if (src[i] !== '>') fail('> expected');
        i++;
        return el;
      }
      el.children.push(element());
    }
  };
  const decl = '<?xml version="1.0" encoding="UTF-8"?>';
  if (!src.startsWith(decl)) fail('XML declaration expected');
  i = decl.length;
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== src.length) fail('content after the root element');
  return root;
}

const NASTY = 'a<b> & "c" \'d\' ]]> \u0001 tab\there\nnew line';

const RUN: RunResult = {
  startedAt: '2026-11-28T19:00:00.000Z',
  durationMs: 12345,
  targets: ['postfix', 'reference'],
  scenarios: [
    { id: 'smtpd/relay', title: 'relay denied', file: 'specs/smtpd/relay.ts', target: 'postfix', status: 'passed', durationMs: 1000, failures: [] },
    {
      id: 'local/alias', title: `alias ${NASTY}`, file: 'specs/local/alias.ts', target: 'reference', status: 'failed', durationMs: 2500,
      failures: [
        { expectation: 'mailbox alice holds 1 message(s)', diff: 'observed 0' },
        { expectation: 'event {kind: "delivery"}', diff: `- want <x>\n+ got ${NASTY}` },
      ],
      knownDivergences: ['Message-ID: reference uses a counter'],
      observations: { events: [{ kind: 'removed', queueId: 'Q1' }] },
    },
    { id: 'qmgr/retry', title: 'retry', file: 'specs/qmgr/retry.ts', target: 'reference', status: 'error', durationMs: 500, failures: [], error: `target did not start: ${NASTY}\nstack` },
    { id: 'x/odd', title: 'target not listed', file: 'specs/x.ts', target: 'container', status: 'failed', durationMs: 1, failures: [] },
  ],
};

let tmp: string | undefined;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  tmp = undefined;
});

function scratch(): string {
  tmp = scratchDir('report');
  return path.join(tmp, 'out', 'nested');
}

describe('writeJunitXml', () => {
  it('writes one suite per target, one case per scenario, with counts', () => {
    const file = writeJunitXml(scratch(), RUN);
    expect(path.basename(file)).toBe('junit.xml');
    const root = parseXml(fs.readFileSync(file, 'utf8'));
    expect(root.name).toBe('testsuites');
    expect(root.attrs).toMatchObject({ tests: '4', failures: '2', errors: '1', time: '12.345' });
    expect(root.children.map((s) => s.attrs.name)).toEqual(['postfix', 'reference', 'container']);
    const [pf, ref, cont] = root.children;
    expect(pf.attrs).toMatchObject({ tests: '1', failures: '0', errors: '0', skipped: '0', time: '1.000', timestamp: '2026-11-28T19:00:00.000Z' });
    expect(ref.attrs).toMatchObject({ tests: '2', failures: '1', errors: '1', time: '3.000' });
    expect(cont.attrs).toMatchObject({ tests: '1', failures: '1' });
    expect(pf.children).toHaveLength(1);
    expect(pf.children[0]).toMatchObject({ name: 'testcase', attrs: { classname: 'postfix', name: 'smtpd/relay: relay denied', file: 'specs/smtpd/relay.ts', time: '1.000' }, children: [] });
    expect(cont.children[0].children.map((c) => [c.name, c.attrs.message])).toEqual([['failure', 'failed']]);
  });

  it('escapes text and attributes so they read back exactly (control characters made visible)', () => {
    const root = parseXml(fs.readFileSync(writeJunitXml(scratch(), RUN), 'utf8'));
    const visible = NASTY.replace('\u0001', '\\u0001');
    const [failedCase, errorCase] = root.children[1].children;
    expect(failedCase.attrs.name).toBe(`local/alias: alias ${visible}`);
    const [failure, out] = failedCase.children;
    expect(failure.name).toBe('failure');
    expect(failure.attrs.message).toBe('mailbox alice holds 1 message(s); event {kind: "delivery"}');
    expect(failure.text).toBe(`mailbox alice holds 1 message(s)\nobserved 0\n\nevent {kind: "delivery"}\n- want <x>\n+ got ${visible}`);
    expect(out).toMatchObject({ name: 'system-out', text: 'known divergences:\nMessage-ID: reference uses a counter' });
    const [error] = errorCase.children;
    expect(error.name).toBe('error');
    expect(error.attrs.message).toBe(`target did not start: ${visible.split('\n')[0]}`);
    expect(error.text).toBe(`target did not start: ${visible}\nstack`);
  });

  it('says in a property of each case whether it was compared with Postfix', () => {
    const run: RunResult = {
      ...RUN,
      scenarios: [
        { ...RUN.scenarios[0], comparison: 'oracle' },
        { ...RUN.scenarios[2], comparison: 'compared' },
        { id: 'smtpd/alone', title: 'reference alone', file: 'specs/smtpd/alone.ts', target: 'reference', status: 'passed', durationMs: 1, failures: [], comparison: 'not-compared' },
      ],
    };
    const root = parseXml(fs.readFileSync(writeJunitXml(scratch(), run), 'utf8'));
    const property = (c: El) => c.children.find((x) => x.name === 'properties')?.children.map((p) => [p.attrs.name, p.attrs.value]);
    expect(property(root.children[0].children[0])).toEqual([['twinpost.comparison', 'oracle']]);
    expect(root.children[1].children.map(property)).toEqual([[['twinpost.comparison', 'compared']], [['twinpost.comparison', 'not compared with Postfix']]]);
    // Not a skip: the run did happen and passed its expectations.
    expect(root.children[1].attrs).toMatchObject({ tests: '2', failures: '0', errors: '1', skipped: '0' });
    expect(root.children[1].children[1].children.map((c) => c.name)).toEqual(['properties']);
  });

  it('writes an empty run', () => {
    const root = parseXml(fs.readFileSync(writeJunitXml(scratch(), { startedAt: 'x', durationMs: 0, targets: [], scenarios: [] }), 'utf8'));
    expect(root.attrs).toMatchObject({ tests: '0', failures: '0', errors: '0' });
    expect(root.children).toEqual([]);
  });
});

describe('writeResultsJson', () => {
  it('writes the run as JSON that reads back equal', () => {
    const file = writeResultsJson(scratch(), RUN);
    expect(path.basename(file)).toBe('results.json');
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toEqual(RUN);
  });

  it('turns values JSON cannot carry into readable ones', () => {
    const run: RunResult = { ...RUN, scenarios: [{ ...RUN.scenarios[0], observations: { re: /a+b/i, big: 10n, set: new Set([1]), map: new Map([['k', 2]]) } }] };
    const back = JSON.parse(fs.readFileSync(writeResultsJson(scratch(), run), 'utf8')) as RunResult;
    expect(back.scenarios[0].observations).toEqual({ re: '/a+b/i', big: '10', set: [1], map: { k: 2 } });
  });
});
