import { describe, expect, it } from 'vitest';
import { editScript, unifiedDiff } from './unified-diff.ts';

describe('unifiedDiff', () => {
  it('is empty for equal line lists', () => {
    expect(unifiedDiff(['a', 'b'], ['a', 'b'], 'x', 'y')).toBe('');
    expect(unifiedDiff([], [], 'x', 'y')).toBe('');
  });

  it('writes diff -u hunks with three lines of context', () => {
    const a = ['1', '2', '3', '4', '5', '6', '7', '8', '9'];
    const b = ['1', '2', '3', '4', 'five', '6', '7', '8', '9'];
    expect(unifiedDiff(a, b, 'postfix', 'reference')).toBe(['--- postfix', '+++ reference', '@@ -2,7 +2,7 @@', ' 2', ' 3', ' 4', '-5', '+five', ' 6', ' 7', ' 8'].join('\n'));
  });

  it('keeps changes far apart in separate hunks and joins close ones', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i + 1}`);
    const b = a.map((l) => (l === 'l2' || l === 'l18' ? `${l}!` : l));
    const out = unifiedDiff(a, b, 'a', 'b');
    expect(out.split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -1,5 +1,5 @@', '@@ -15,6 +15,6 @@']);
    const near = a.map((l) => (l === 'l5' || l === 'l9' ? `${l}!` : l));
    expect(unifiedDiff(a, near, 'a', 'b').split('\n').filter((l) => l.startsWith('@@'))).toEqual(['@@ -2,11 +2,11 @@']);
  });

  it('names an empty side by the line before it, as diff -u does', () => {
    expect(unifiedDiff([], ['new'], 'a', 'b')).toBe('--- a\n+++ b\n@@ -0,0 +1 @@\n+new');
    expect(unifiedDiff(['old'], [], 'a', 'b')).toBe('--- a\n+++ b\n@@ -1 +0,0 @@\n-old');
  });

  it('finds a shortest edit: a moved line is one removal and one addition', () => {
    const ops = editScript(['a', 'b', 'c', 'd'], ['b', 'c', 'd', 'a']);
    expect(ops.filter((o) => o.kind !== ' ').map((o) => `${o.kind}${o.line}`)).toEqual(['-a', '+a']);
  });

  it('shows a long changed middle as removed, then added, without running out of memory', () => {
    const a = Array.from({ length: 6000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 6000 }, (_, i) => `b${i}`);
    const ops = editScript(['same', ...a, 'end'], ['same', ...b, 'end']);
    expect(ops.length).toBe(12_002);
    expect(ops[1]).toMatchObject({ kind: '-', line: 'a0' });
    expect(ops[6001]).toMatchObject({ kind: '+', line: 'b0' });
    expect(ops[12_001]).toMatchObject({ kind: ' ', line: 'end' });
  });
});
