/**
 * Lookup tables against the REAL postmap -q / postalias -q: generated tables of every type,
 * at least 100 keys per type, same answers (found/not found and the value).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isPatternTable, openTable, postmapQuery } from './open.ts';
import { realQuery, seeded } from './real-postmap.ts';
import type { Table } from './types.ts';
import { scratchDir } from '../../harness/util/cleanup.ts';
import { configArgs } from '../config/installed-postfix.ts';

let dir: string;
beforeAll(() => {
  dir = scratchDir('tables');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const rnd = seeded(20240611);
const DOMAINS = ['example.com', 'Example.NET', 'corp.example', 'sub.corp.example', 'mail.test'];
const USERS = ['alice', 'Bob', 'carol', 'dave.smith', 'eve+tag', 'postmaster', 'root', 'info', 'sales-team', 'x_y'];

function randomCase(s: string): string {
  return [...s].map((c) => (rnd.chance(0.3) ? c.toUpperCase() : c)).join('');
}

/** Our answers for keys, in the same shape as realQuery's (only found keys). */
async function ours(table: Table, keys: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const k of keys) {
    const v = await table.lookup(k);
    if (v !== null) found.set(k, v);
  }
  await table.close();
  return found;
}

async function expectSame(
  spec: string,
  keys: string[],
  command: 'postmap' | 'postalias' = 'postmap',
  expectMisses = true,
): Promise<Map<string, string>> {
  expect(keys.length).toBeGreaterThanOrEqual(100);
  const real = realQuery(command, spec, keys);
  const mine = await ours(await openTable(spec), keys);
  expect(Object.fromEntries(mine)).toEqual(Object.fromEntries(real));
  // Both answers and misses must be exercised.
  expect(real.size).toBeGreaterThan(10);
  if (expectMisses) expect(keys.length - real.size).toBeGreaterThan(10);
  return real;
}

function addressKeys(n: number): string[] {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const shape = rnd.int(4);
    const user = rnd.pick(USERS);
    const domain = rnd.pick(DOMAINS);
    keys.push(randomCase(shape === 0 ? `${user}@${domain}` : shape === 1 ? `@${domain}` : shape === 2 ? user : `${user}${rnd.int(50)}@${domain}`));
  }
  return keys;
}

/** A postmap-format source: 80 entries with mixed-case keys, a duplicate, comments, continuations. */
function fixedSource(): { text: string; keys: string[] } {
  const lines = ['# generated', ''];
  const keys: string[] = [];
  for (let i = 0; i < 80; i++) {
    const key = randomCase(rnd.pick([`${rnd.pick(USERS)}${i}@${rnd.pick(DOMAINS)}`, `@${i}.${rnd.pick(DOMAINS)}`, `${rnd.pick(USERS)}${i}`]));
    keys.push(key);
    const value = i % 7 === 0 ? `relay:[10.0.0.${i}]:25  ,  smtp:next${i}` : `value-${i} Mixed Case`;
    lines.push(i % 11 === 0 ? `${key}\t${value.slice(0, 5)}\n  ${value.slice(5)}` : `${key} ${value}`);
  }
  lines.push(`${keys[3]} duplicate-ignored`, `"quoted key" spaced value`, `back\\ slash escaped`);
  return { text: lines.join('\n') + '\n', keys };
}

function fixedQueries(keys: string[]): string[] {
  const q = keys.flatMap((k) => [k, k.toUpperCase(), k.toLowerCase()]);
  for (let i = 0; i < 60; i++) q.push(`absent${i}@${rnd.pick(DOMAINS)}`);
  q.push('"quoted', 'back\\', 'back\\ slash');
  return q;
}

describe('fixed-string tables (case folded)', () => {
  it('texthash', async () => {
    const { text, keys } = fixedSource();
    writeFileSync(join(dir, 'fixed'), text);
    const real = await expectSame(`texthash:${join(dir, 'fixed')}`, fixedQueries(keys));
    expect(real.get(keys[3])).not.toBe('duplicate-ignored');
  });

  it('lmdb built by the real postmap', async () => {
    const { text, keys } = fixedSource();
    const path = join(dir, 'fixed-lmdb');
    writeFileSync(path, text);
    execFileSync('postmap', [...configArgs(), `lmdb:${path}`], { stdio: 'ignore' });
    await expectSame(`lmdb:${path}`, fixedQueries(keys));
  });

  it('lmdb built by the real postmap -f (no folding) is read without folding when asked', async () => {
    const path = join(dir, 'nofold');
    writeFileSync(path, 'MiXeD value1\nlower value2\n');
    execFileSync('postmap', [...configArgs(), '-f', `lmdb:${path}`], { stdio: 'ignore' });
    const t = await openTable(`lmdb:${path}`, { foldCase: false });
    expect([await t.lookup('MiXeD'), await t.lookup('mixed'), await t.lookup('lower')]).toEqual(['value1', null, 'value2']);
    await t.close();
  });

  it('lmdb aliases built by the real postalias', async () => {
    const path = join(dir, 'aliases');
    const lines: string[] = ['# aliases'];
    const names: string[] = [];
    for (let i = 0; i < 70; i++) {
      const name = randomCase(`${rnd.pick(USERS)}${i}`);
      names.push(name);
      const targets = [`${rnd.pick(USERS)}@${rnd.pick(DOMAINS)}`, i % 5 === 0 ? '"|/usr/bin/prog arg"' : `local${i}`, i % 9 === 0 ? `:include:/etc/list${i}` : ''];
      lines.push(`${name}: ${targets.filter(Boolean).join(', ')}`);
      if (i % 13 === 0) lines.push(`   continued${i}@example.com`);
    }
    writeFileSync(path, lines.join('\n') + '\n');
    execFileSync('postalias', [...configArgs(), `lmdb:${path}`], { stdio: 'ignore' });
    const keys = [...names, ...names.map((n) => n.toUpperCase()), '@', 'postmaster', ...Array.from({ length: 20 }, (_, i) => `nobody${i}`)];
    await expectSame(`lmdb:${path}`, keys, 'postalias');
  });

  it('inline', async () => {
    const { keys } = fixedSource();
    const some = keys.slice(0, 30);
    const spec = `inline:{ ${some.map((k, i) => (i % 4 === 0 ? `{ ${k} = value with, comma ${i} }` : `${k}=v${i}`)).join(', ')} }`;
    await expectSame(spec, fixedQueries(some));
  });

  it('static', async () => {
    const keys = addressKeys(100);
    const real = await expectSame('static:relay:[10.1.2.3]', keys, 'postmap', false);
    expect(real.size).toBe(new Set(keys).size);
    expect(await postmapQuery('static:{ some text }', 'anything')).toBe(realQuery('postmap', 'static:{ some text }', ['anything']).get('anything'));
  });
});

describe('table types', () => {
  it('say themselves whether they are pattern tables (DICT_FLAG_PATTERN), proxy: by its inner table', () => {
    const pattern = ['regexp:/x', 'pcre:/x', 'cidr:/x', 'proxy:regexp:/x', 'proxy:proxy:cidr:/x'];
    const fixed = ['inline:{a=b}', 'static:x', 'texthash:/x', 'lmdb:/x', 'pgsql:/x', 'unix:passwd.byname', 'proxy:lmdb:/x', 'hash:/x'];
    expect(pattern.filter((spec) => !isPatternTable(spec))).toEqual([]);
    expect(fixed.filter((spec) => isPatternTable(spec))).toEqual([]);
  });

  it('unix:passwd.byname answers as real postmap -q does', async () => {
    const keys = ['root', 'ROOT', 'nobody', 'no-such-user-here'];
    const real = realQuery('postmap', 'unix:passwd.byname', keys);
    expect(real.get('root')).toMatch(/^root:/);
    expect(Object.fromEntries(await ours(await openTable('unix:passwd.byname'), keys))).toEqual(Object.fromEntries(real));
  });
});
