/**
 * Table lists and match lists (maps_find, match_list): the first table with an answer wins,
 * partial keys skip pattern tables, fixed-string tables get folded keys, an empty result is an
 * error; string and domain lists with negation, parent domains and tables.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Maps, MatchList, referenceTables, TableLookupError, type LookupTable } from './maps.ts';
import { scratchDir } from '../../harness/util/cleanup.ts';

let dir: string;
beforeAll(() => {
  dir = scratchDir('maps');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('Maps', () => {
  it('asks the tables in order: the first with an answer wins', async () => {
    writeFileSync(join(dir, 'l1'), 'a@x one\n');
    writeFileSync(join(dir, 'l2'), '/^a@/ two\n/^b@/ bee\n');
    const list = new Maps('test_maps', `texthash:${join(dir, 'l1')}, regexp:${join(dir, 'l2')} static:last`, referenceTables());
    expect([await list.find('A@X'), await list.find('b@y'), await list.find('c')]).toEqual(['one', 'bee', 'last']);
    await list.close();
  });

  it('skips pattern tables for partial keys, folds keys of fixed tables, refuses an empty result', async () => {
    const asked: string[] = [];
    const table = (fixed: boolean, value: string | null): LookupTable => ({ fixed, lookup: async (k) => (asked.push(k), value) });
    const open = (spec: string) => (spec === 're:x' ? table(false, 'pattern') : table(true, null));
    const list = new Maps('test_maps', ['re:x', 'fixed:y'], open, false);
    expect(await list.find('User@X', true)).toBeNull();
    expect(asked).toEqual(['user@x']);
    expect(await list.find('User@X')).toBe('pattern');
    const empty = new Maps('test_maps', ['fixed:z'], () => table(true, ''));
    await expect(empty.find('k')).rejects.toThrow(TableLookupError);
  });
});

describe('match lists', () => {
  const none = () => { throw new Error('no tables here'); };
  it('matches exactly, with ! negation and case folding (string lists)', async () => {
    const l = new MatchList('!Bad.Example, example.com other.example', none, 'string');
    expect(await l.match('EXAMPLE.com')).toBe(true);
    expect(await l.match('bad.example')).toBe(false);
    expect(await l.match('sub.example.com')).toBe(false);
  });

  it('matches subdomains in domain lists per parent_domain_matches_subdomains', async () => {
    const parent = new MatchList('example.com', none, 'domain', true);
    expect(await parent.match('a.b.example.com')).toBe(true);
    expect(await parent.match('xexample.com')).toBe(false);
    const dotted = new MatchList('.example.com', none, 'domain', false);
    expect(await dotted.match('a.example.com')).toBe(true);
    expect(await dotted.match('example.com')).toBe(false);
  });

  it('looks parent domains up in key/value tables of domain lists, not in pattern tables', async () => {
    const keys: string[] = [];
    const table = (fixed: boolean): LookupTable => ({ fixed, lookup: async (k) => { keys.push(k); return null; } });
    await new MatchList('t:x', () => table(true), 'domain', false).match('a.b.example');
    expect(keys).toEqual(['a.b.example', '.b.example', '.example']);
    keys.length = 0;
    await new MatchList('t:x', () => table(false), 'domain', false).match('a.b.example');
    expect(keys).toEqual(['a.b.example']);
  });
});
