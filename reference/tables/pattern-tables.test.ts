/**
 * regexp:, pcre: and cidr: tables against the REAL postmap -q, on generated rule files and
 * at least 100 keys each; plus missing files, hash:, proxy: and postmapQuery.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTable, postmapQuery } from './open.ts';
import { realQuery, seeded } from './real-postmap.ts';
import { DICT_FLAG_FOLD_FIX, PROXY_STAT_DENY, PROXY_STAT_NOKEY, PROXY_STAT_OK, TableError, type ProxyClient } from './types.ts';
import { scratchDir } from '../../harness/util/cleanup.ts';

let dir: string;
beforeAll(() => {
  dir = scratchDir('ptables');
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const rnd = seeded(7);
const LOCALS = ['alice', 'BOB', 'carol', 'dave', 'eve', 'postmaster', 'abuse', 'root', 'user+ext', 'a.b-c', 'x'];
const DOMAINS = ['example.com', 'EXAMPLE.net', 'mail.example.com', 'other.org', 'sub.dom.example.com', 'test', 'spam.example'];

function keys(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const l = rnd.pick(LOCALS);
    const d = rnd.pick(DOMAINS);
    out.push(rnd.pick([`${l}@${d}`, `${l}${rnd.int(100)}@${d}`, l, `@${d}`, `${l}@${d}.`, `<${l}@${d}>`]));
  }
  return out;
}

async function expectSame(spec: string, queries: string[]): Promise<void> {
  expect(queries.length).toBeGreaterThanOrEqual(100);
  const real = realQuery('postmap', spec, queries);
  const table = await openTable(spec);
  const mine = new Map<string, string>();
  for (const k of queries) {
    const v = await table.lookup(k);
    if (v !== null) mine.set(k, v);
  }
  await table.close();
  expect(Object.fromEntries(mine)).toEqual(Object.fromEntries(real));
  expect(real.size).toBeGreaterThan(10);
  expect(queries.length - real.size).toBeGreaterThan(10);
}

const REGEXP_RULES = `# regexp table
/^postmaster@/          PM
/^(abuse|root)@(.*)$/   admin-$1 at $2 (${'$'}{2})
/^([^@+]+)\\+([^@]*)@example\\.com$/   plus $1 $(2) $$
/^[[:alpha:]]+[[:digit:]]+@mail\\.example\\.com$/   alnum-user
/^BOB@/i                exact-case-bob
!/@/                    no-at-sign
if /example\\.com$/
/^(x|y)(z)?@/          xy[$1][$2]
/^[^@]*@sub\\./          in-sub
endif
/^([a-z]*)\\.([a-z]*)-c@/ dotted $2.$1
#/commented/ no
/^<(.*)>$/               bracketed $1
/spam\\./ !/^abuse/       not-abuse-spam
/\\.$/                   trailing-dot
/^e[v]e@  continued
  line
/bad[/ broken-rule
|^carol@|              pipe-delim
`;

const PCRE_RULES = `# pcre table
/^postmaster@/          PM
/^(?:abuse|root)@(?P<dom>.*)$/   admin at $1
/^([^@+]+)\\+([^@]*)@example\\.com$/   plus $1 \${2}
/^\\w+\\d+@mail\\.example\\.com\\z/   alnum-user
/^BOB@/i                exact-case-bob
!/@/                    no-at-sign
if /example\\.com$/
/^(x|y)(z)?@/          xy[$1][$2]
/^ [^@]* @sub \\. /x     in-sub
endif
/^\\s*<(.*?)>$/          bracketed $1
/spam\\./ !/^abuse/       not-abuse-spam
/ALICE/                 alice-any-case
/dave/A                 anchored-dave
/\\.$/                   trailing-dot
`;

describe('pattern tables', () => {
  it('regexp', async () => {
    writeFileSync(join(dir, 're'), REGEXP_RULES);
    const t = await openTable(`regexp:${join(dir, 're')}`);
    // The same two rules postmap warns about (unterminated pattern, bad bracket) are skipped.
    expect(t.warnings.map((w) => /line (\d+)/.exec(w)![1])).toEqual(['17', '19']);
    await t.close();
    await expectSame(`regexp:${join(dir, 're')}`, [...keys(150), 'abuse@spam.example', 'alice@spam.example', 'Postmaster@x', 'bob@x', 'x@example.com', 'xz@example.com']);
  });

  it('pcre', async () => {
    writeFileSync(join(dir, 'pcre'), PCRE_RULES);
    await expectSame(`pcre:${join(dir, 'pcre')}`, [...keys(150), 'dave@x', 'xdave@x', 'ALICE@y', ' <a@b>', 'abuse@spam.example']);
  });

  it('cidr', async () => {
    const lines = ['# cidr', '10.0.0.0/8 ten', '192.168.1.0/24 lan', '192.168.1.77 one-host', '!172.16.0.0/12 not-private-172',
      'if 127.0.0.0/8', '127.0.0.1 loopback-one', '127.0.0.0/16 loop16', 'endif', '[2001:db8::]/32 doc6', '2001:db8:1::/48 doc6-sub',
      '::1 v6-loopback', '[fe80::1] linklocal-one', '10.1.2.3/24 bad-host-bits', '300.1.1.1 bad', '0.0.0.0/0 everything-else-v4'];
    writeFileSync(join(dir, 'cidr'), lines.join('\n') + '\n');
    const queries: string[] = [];
    for (let i = 0; i < 120; i++) {
      queries.push(rnd.pick([
        `10.${rnd.int(256)}.${rnd.int(256)}.${rnd.int(256)}`,
        `192.168.${rnd.int(3)}.${rnd.int(100)}`,
        `172.${rnd.int(40)}.0.1`,
        `127.${rnd.int(3)}.0.${rnd.int(3)}`,
        `2001:db8:${rnd.int(3).toString(16)}::${rnd.int(999)}`,
        `2001:db9::${rnd.int(99)}`,
        '::1', 'fe80::1', 'not-an-ip', '01.2.3.4', '::ffff:10.1.1.1',
      ]));
    }
    await expectSame(`cidr:${join(dir, 'cidr')}`, queries);
  });
});

describe('errors and the other table kinds', () => {
  it('a missing file is an open error naming the file, worded as postmap', async () => {
    for (const type of ['texthash', 'regexp', 'pcre', 'cidr', 'lmdb']) {
      const path = join(dir, `missing-${type}`);
      const err = await openTable(`${type}:${path}`).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(TableError);
      const file = type === 'lmdb' ? `${path}.lmdb` : path;
      expect((err as TableError).message).toContain(`${file}: No such file or directory`);
      expect((err as TableError).kind).toBe('open');
    }
  });

  it('hash: explains that Debian uses lmdb; unknown types are refused', async () => {
    await expect(openTable('hash:/etc/aliases')).rejects.toThrow(/lmdb/);
    await expect(openTable('nosuch:/x')).rejects.toThrow(/unsupported dictionary type: nosuch/);
    await expect(openTable('noColon')).rejects.toThrow(/need dictionary_type:dictionary_name/);
  });

  it('proxy: goes through the ProxyClient with FOLD_FIX and maps statuses', async () => {
    const seen: unknown[] = [];
    const proxy: ProxyClient = {
      async lookup(req) {
        seen.push(req);
        if (req.table === 'texthash:/denied') return { status: PROXY_STAT_DENY, value: '' };
        return req.key === 'known' ? { status: PROXY_STAT_OK, value: 'yes' } : { status: PROXY_STAT_NOKEY, value: '' };
      },
    };
    const t = await openTable('proxy:texthash:/srv/virt', { proxy });
    expect([await t.lookup('known'), await t.lookup('other')]).toEqual(['yes', null]);
    expect(seen[0]).toEqual({ table: 'texthash:/srv/virt', flags: DICT_FLAG_FOLD_FIX, key: 'known' });
    const denied = await openTable('proxy:texthash:/denied', { proxy });
    await expect(denied.lookup('k')).rejects.toThrow(/proxy_read_maps/);
    await expect(openTable('proxy:texthash:/x')).rejects.toThrow(/no proxymap client/);
  });

  it('postmapQuery answers like postmap -q', async () => {
    writeFileSync(join(dir, 'l2'), '/^a@/ two\n/^b@/ bee\n');
    const spec = `regexp:${join(dir, 'l2')}`;
    expect(await postmapQuery(spec, 'b@q')).toBe(realQuery('postmap', spec, ['b@q']).get('b@q'));
    expect(await postmapQuery(spec, 'zzz')).toBeNull();
  });
});
