// The per-folder score table from a Stryker JSON report, and the campaign's other pure parts:
// coverage growth of a child process, test keys, the baseline's exclusions, option parsing.
import { describe, expect, it } from 'vitest';
import { folderScores, scoreTable, survivors, type MutationReport } from './scores.ts';
import { addGrowth, type CoverageCounts } from './coverage-merge.ts';
import { fullNameOf, testKey } from './test-ids.ts';
import { exclusionsFrom } from './baseline.ts';
import { parseArgs } from './campaign.ts';

const m = (id: string, status: string) => ({ id, mutatorName: 'StringLiteral', replacement: '""', status, location: { start: { line: 3, column: 7 } } });

const REPORT: MutationReport = {
  files: {
    'reference/services/smtpd/session.ts': { mutants: [m('1', 'Killed'), m('2', 'Killed'), m('3', 'Survived'), m('4', 'Ignored')] },
    'reference/services/smtpd/command.ts': { mutants: [m('5', 'Timeout'), m('6', 'NoCoverage')] },
    'reference/services/bounce/bounce.ts': { mutants: [m('7', 'Killed'), m('8', 'CompileError')] },
  },
};

describe('mutation scores', () => {
  it('counts per folder as Stryker does (timeouts detected; ignored and compile errors left out)', () => {
    const rows = folderScores(REPORT);
    expect(rows.map((r) => [r.folder, r.tested, r.killed, r.survived, r.noCoverage, r.timeout, r.ignored, Math.round(r.score)])).toEqual([
      ['bounce', 1, 1, 0, 0, 0, 0, 100],
      ['smtpd', 5, 2, 1, 1, 1, 1, 60],
      ['all', 6, 3, 1, 1, 1, 1, 67],
    ]);
  });

  it('prints a Markdown table and lists survivors with their place', () => {
    expect(scoreTable(folderScores(REPORT)).split('\n')[3]).toBe('| smtpd | 5 | 2 | 1 | 1 | 1 | 60.0 % |');
    expect(survivors(REPORT)).toEqual([
      'NoCoverage reference/services/smtpd/command.ts:3:7 StringLiteral → ""',
      'Survived reference/services/smtpd/session.ts:3:7 StringLiteral → ""',
    ]);
  });
});

describe('mutation campaign helpers', () => {
  it('adds to a test only what a child reached since the last look', () => {
    const seen = new Map<string, CoverageCounts>();
    const test1: CoverageCounts = {};
    addGrowth(test1, { static: { '1': 2 }, perTest: {} }, seen, 'child');
    expect(test1).toEqual({ '1': 2 });
    const test2: CoverageCounts = {};
    addGrowth(test2, { static: { '1': 2, '2': 1 }, perTest: { t: { '1': 1 } } }, seen, 'child');
    expect(test2).toEqual({ '1': 1, '2': 1 });
  });

  it('names tests the same from the JSON report and from a running test', () => {
    const task = { name: 'b', suite: { name: 'd', suite: undefined } };
    expect(testKey('/p', '/p/specs/x.test.ts', fullNameOf(task))).toBe('specs/x.test.ts#d b');
  });

  it('excludes every test that did not pass, and files without a passing test', () => {
    const ex = exclusionsFrom({
      testResults: [
        { name: '/p/a.test.ts', status: 'failed', assertionResults: [{ fullName: 'a ok', status: 'passed' }, { fullName: 'a bad', status: 'failed', failureMessages: ['AssertionError: x\n+ ✗ reference behaves as real Postfix: maillog'] }] },
        { name: '/p/b.test.ts', status: 'failed', message: 'beforeAll failed', assertionResults: [] },
      ],
    }, '/p');
    expect(ex.tests).toEqual(['a.test.ts#a bad']);
    expect(ex.files).toEqual(['b.test.ts']);
    expect(ex.reasons).toEqual(['a.test.ts#a bad: ✗ reference behaves as real Postfix: maillog', 'b.test.ts: beforeAll failed']);
  });

  it('parses the campaign options and passes what follows -- to Stryker', () => {
    const o = parseArgs(['--sample', '200', '--seed', '42', '--incremental', '--', '--logLevel', 'debug']);
    expect([o.sample, o.seed, o.incremental, o.keepOracle, o.concurrency, o.stryker]).toEqual([200, 42, true, false, 1, ['--logLevel', 'debug']]);
    expect(parseArgs(['--reuse-baseline']).keepOracle).toBe(true);
    expect(() => parseArgs(['--sample', 'x'])).toThrow(/--sample needs a positive whole number/);
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown option --bogus/);
  });
});
