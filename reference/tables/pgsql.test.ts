/**
 * pgsql: tables against a real private PostgreSQL, each answer compared with what the REAL
 * `postmap -q` (Postfix's dict_pgsql) answers for the same .cf file and keys.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandQuery, expandTemplate, openPgsql, parsePgsqlCf } from './pgsql.ts';
import { realQuery } from './real-postmap.ts';
import { startPostgres, type PrivatePostgres } from '../../harness/pg/index.ts';
import { scratchDir } from '../../harness/util/cleanup.ts';

describe('pgsql table configuration', () => {
  it('reads the .cf, and expands %s %u %d %1 %% with quotes doubled', () => {
    const cfg = parsePgsqlCf("# comment\nhosts = inet:127.0.0.1:5432, unix:/run/pg\nuser = u\npassword = p\ndbname = d\nquery = SELECT x FROM t WHERE a = '%s'\n");
    expect(cfg).toMatchObject({ hosts: ['inet:127.0.0.1:5432', 'unix:/run/pg'], user: 'u', password: 'p', dbname: 'd', query: "SELECT x FROM t WHERE a = '%s'", resultFormat: '%s', domains: [] });
    expect(expandQuery("'%s' '%u' '%d' '%1' '%2' 100%%", "o'ne\\il@mail.example.net")).toBe("'o''ne\\il@mail.example.net' 'o''ne\\il' 'mail.example.net' 'net' 'example' 100%");
    expect(expandQuery("'%d'", 'no-domain')).toBeNull();
    expect(expandQuery("'%u'", '@example.net')).toBeNull();
    expect(expandQuery("'%3'", 'a@example.net')).toBeNull();
    expect(expandTemplate('smtp:[%d]', 'x@relay.example', false)).toBe('smtp:[relay.example]');
  });

  it('takes the old table/select_field/where_field form', () => {
    expect(parsePgsqlCf('table = t\nselect_field = v\nwhere_field = k\nadditional_conditions = AND on\n').query).toBe("SELECT v FROM t WHERE k = '%s' AND on");
    expect(() => parsePgsqlCf('hosts = x\n')).toThrow(/no query/);
  });
});

describe('pgsql lookups, compared with real postmap -q', () => {
  let pg: PrivatePostgres;
  let dir: string;
  const keys = ['a@example.net', 'A@Example.NET', 'b@example.net', 'c@example.net', 'n@example.net', "x'@example.net", 'plain', 'u@other.example', 'flag@example.net', 'nothing@example.net'];
  const cf = (name: string, body: string) => {
    const path = join(dir, `${name}.cf`);
    writeFileSync(path, `user = postgres\npassword =\ndbname = postgres\n${body}`);
    return path;
  };
  const compare = async (path: string, ks = keys) => {
    const real = realQuery('postmap', `pgsql:${path}`, ks);
    const t = openPgsql(path);
    try {
      for (const k of ks) expect(await t.lookup(k), `${path} ${k}`).toBe(real.get(k) ?? null);
    } finally {
      await t.close();
    }
    return real;
  };

  beforeAll(async () => {
    pg = await startPostgres();
    await pg.sql(`CREATE TABLE v (k text, v text, b boolean);
      INSERT INTO v VALUES ('a@example.net', 'one', true), ('a@example.net', 'two', false),
        ('b@example.net', 'three', null), ('c@example.net', '', null), ('n@example.net', null, null),
        ('plain', 'bare', true), ('u@other.example', 'elsewhere', true), ('flag@example.net', 'f', false);`);
    dir = scratchDir('pgsqlcf');
  }, 60_000);
  afterAll(async () => {
    await pg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds rows (several joined as Postfix joins them), folds the key, skips NULL and empty fields', async () => {
    const real = await compare(cf('plain', `hosts = inet:127.0.0.1:${pg.port}\nquery = SELECT v FROM v WHERE k = '%s' ORDER BY v\n`));
    expect(real.get('a@example.net')).toBe('one,two');
    expect(real.has('c@example.net')).toBe(false);
  });

  it('several columns, booleans in text form, result_format, a query by %u and %d', async () => {
    await compare(cf('cols', `hosts = postgresql://postgres@/postgres?host=${pg.socketDir}&port=${pg.port}\nquery = SELECT v, b FROM v WHERE k = '%s' ORDER BY v\n`));
    await compare(cf('format', `hosts = ${pg.host}:${pg.port}\nquery = SELECT v FROM v WHERE k = '%u@%d'\nresult_format = smtp:[%s.example]\n`));
  });

  it('unix:/directory uses the default port 5432, as libpq does: both fail alike on another port', async () => {
    const path = cf('unix', `hosts = unix:${pg.socketDir}\nquery = SELECT v FROM v WHERE k = '%s'\n`);
    expect(() => realQuery('postmap', `pgsql:${path}`, ['a@example.net'])).toThrow(/\.s\.PGSQL\.5432/);
    const t = openPgsql(path);
    await expect(t.lookup('a@example.net')).rejects.toThrow(/no database server reachable/);
    await t.close();
  });

  it('domain restricts the keys looked up; a dead host first is skipped', async () => {
    await compare(cf('domain', `hosts = inet:127.0.0.1:1 inet:127.0.0.1:${pg.port}\ndomain = example.net\nquery = SELECT v FROM v WHERE k = '%s'\n`));
  });

  it('authenticates with a cleartext password, MD5 and SCRAM-SHA-256, and fails on a wrong password', async () => {
    await pg.sql(`CREATE ROLE scram_u LOGIN PASSWORD 'Scr4m!'; SET password_encryption = 'md5'; CREATE ROLE md5_u LOGIN PASSWORD 'm d5';
      CREATE ROLE clear_u LOGIN PASSWORD 'clear'; GRANT SELECT ON v TO scram_u, md5_u, clear_u;`);
    const hba = join(pg.socketDir, 'pg_hba.conf');
    const methods = 'host all scram_u 127.0.0.1/32 scram-sha-256\nhost all md5_u 127.0.0.1/32 md5\nhost all clear_u 127.0.0.1/32 password\n';
    writeFileSync(hba, methods + readFileSync(hba, 'utf8'));
    await pg.sql('SELECT pg_reload_conf()');
    for (const [user, password] of [['scram_u', 'Scr4m!'], ['md5_u', 'm d5'], ['clear_u', 'clear']] as const) {
      const body = `hosts = inet:127.0.0.1:${pg.port}\nquery = SELECT v FROM v WHERE k = '%s'\n`;
      const path = join(dir, `${user}.cf`);
      writeFileSync(path, `user = ${user}\npassword = ${password}\ndbname = postgres\n${body}`);
      expect((await compare(path, ['a@example.net', 'b@example.net'])).get('a@example.net'), user).toBe('one,two');
      writeFileSync(path, `user = ${user}\npassword = wrong\ndbname = postgres\n${body}`);
      expect(() => realQuery('postmap', `pgsql:${path}`, ['a@example.net'])).toThrow(
        new RegExp(`password authentication failed for user "${user}"[\\s\\S]*fatal: table pgsql:${path}: query error`),
      );
      const t = openPgsql(path);
      await expect(t.lookup('a@example.net'), user).rejects.toThrow(/password authentication failed/);
      await t.close();
    }
  });

  it('fails the lookup when no host answers, and when the query is wrong', async () => {
    const dead = openPgsql(cf('dead', 'hosts = inet:127.0.0.1:1\nquery = SELECT 1\n'));
    await expect(dead.lookup('k')).rejects.toThrow(/pgsql:.*no database server reachable/);
    expect(() => realQuery('postmap', `pgsql:${join(dir, 'dead.cf')}`, ['k'])).toThrow(
      /connect to pgsql server inet:127\.0\.0\.1:1: .*Connection refused[\s\S]*fatal: table pgsql:\S*dead\.cf: query error/,
    );
    const bad = openPgsql(cf('bad', `hosts = inet:127.0.0.1:${pg.port}\nquery = SELECT nosuch FROM v WHERE k = '%s'\n`));
    await expect(bad.lookup('a@example.net')).rejects.toThrow(/query failed/);
    expect(() => realQuery('postmap', `pgsql:${join(dir, 'bad.cf')}`, ['a@example.net'])).toThrow(
      /column "nosuch" does not exist[\s\S]*fatal: table pgsql:\S*bad\.cf: query error/,
    );
    await dead.close();
    await bad.close();
  });
});
