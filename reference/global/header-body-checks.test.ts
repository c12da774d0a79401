import { describe, expect, it } from 'vitest';
import { Maps, type LookupTable } from './maps.ts';
import { ChecksLookupError, HeaderBodyChecks } from './header-body-checks.ts';

/** A table list named `title` whose one pattern table answers lines starting with a key of `rules`. */
function table(title: string, rules: Record<string, string>): Maps {
  const t: LookupTable = { fixed: false, lookup: async (key) => Object.entries(rules).find(([k]) => key.startsWith(k))?.[1] ?? null };
  return new Maps(title, ['test:rules'], () => t);
}

function checks(tables: ConstructorParameters<typeof HeaderBodyChecks>[0]) {
  const info: string[] = [];
  const warn: string[] = [];
  return { hbc: new HeaderBodyChecks(tables, 'QID', { info: (t) => info.push(t), warn: (t) => warn.push(t) }), info, warn };
}

describe('HeaderBodyChecks', () => {
  it('looks a header up in the table of its class only', async () => {
    const { hbc } = checks({
      header: table('smtp_header_checks', { 'X-A:': 'REPLACE X-A: primary' }),
      nested: table('smtp_nested_header_checks', { 'X-A:': 'REPLACE X-A: nested' }),
    });
    expect(await hbc.header('X-A: 1', 'primary')).toEqual(['X-A: primary']);
    expect(await hbc.header('X-A: 1', 'nested')).toEqual(['X-A: nested']);
    // no mime table: a multipart header is not looked at (no fallback to smtp_header_checks)
    expect(await hbc.header('X-A: 1', 'multipart')).toEqual(['X-A: 1']);
    expect(hbc.checksHeaders).toBe(true);
    expect(hbc.checksBody).toBe(false);
  });

  it('carries out each action and logs it with the line cut to 60 characters', async () => {
    const long = `X-Long: ${'y'.repeat(80)}`;
    const { hbc, info } = checks({
      header: table('smtp_header_checks', {
        'X-Ignore:': 'IGNORE', 'X-Strip:': 'STRIP stripped', 'X-Pre:': 'PREPEND X-Added: yes', 'X-Warn:': 'WARN careful',
        'X-Info:': 'INFO', 'X-Dunno:': 'DUNNO', 'X-Long:': 'INFO long',
      }),
      body: table('smtp_body_checks', { secret: 'REPLACE hidden' }),
    });
    expect(await hbc.header('X-Ignore: 1', 'primary')).toEqual([]);
    expect(await hbc.header('X-Strip: 1', 'primary')).toEqual([]);
    expect(await hbc.header('X-Pre: 1', 'primary')).toEqual(['X-Added: yes', 'X-Pre: 1']);
    expect(await hbc.header('X-Warn: 1', 'primary')).toEqual(['X-Warn: 1']);
    expect(await hbc.header('X-Info: 1', 'primary')).toEqual(['X-Info: 1']);
    expect(await hbc.header('X-Dunno: 1', 'primary')).toEqual(['X-Dunno: 1']);
    expect(await hbc.header(long, 'primary')).toEqual([long]);
    expect(await hbc.body('secret stuff')).toEqual(['hidden']);
    expect(await hbc.body('plain')).toEqual(['plain']);
    expect(info).toEqual([
      'QID: strip: header X-Strip: 1: stripped',
      'QID: prepend: header X-Pre: 1: X-Added: yes',
      'QID: warning: header X-Warn: 1: careful',
      'QID: info: header X-Info: 1',
      `QID: info: header ${long.slice(0, 60)}: long`,
      'QID: replace: body secret stuff: hidden',
    ]);
  });

  it('keeps the line and warns about a header text that is no header, a missing text and an unknown action', async () => {
    const { hbc, info, warn } = checks({
      header: table('smtp_header_checks', { 'X-A:': 'REPLACE not a header', 'X-B:': 'PREPEND', 'X-C:': 'REJECT no way' }),
      body: table('smtp_body_checks', { line: 'REPLACE not a header is fine here' }),
    });
    expect(await hbc.header('X-A: 1', 'primary')).toEqual(['X-A: 1']);
    expect(await hbc.header('X-B: 1', 'primary')).toEqual(['X-B: 1']);
    expect(await hbc.header('X-C: 1', 'primary')).toEqual(['X-C: 1']);
    expect(await hbc.body('line')).toEqual(['not a header is fine here']);
    expect(warn).toEqual([
      'bad REPLACE header text "not a header" in smtp_header_checks map -- need "headername: headervalue"',
      'PREPEND action without text in smtp_header_checks map',
      'unsupported command in smtp_header_checks map: REJECT no way',
    ]);
    expect(info).toEqual(['QID: replace: body line: not a header is fine here']);
  });

  it('turns a table that fails into ChecksLookupError, naming header or body', async () => {
    const broken: LookupTable = { fixed: false, lookup: async () => { throw new Error('gone'); } };
    const { hbc, warn } = checks({ body: new Maps('smtp_body_checks', ['test:broken'], () => broken) });
    await expect(hbc.body('x')).rejects.toMatchObject({ where: 'body' });
    await expect(hbc.body('x')).rejects.toBeInstanceOf(ChecksLookupError);
    expect(warn[0]).toBe('test:broken lookup error for "x"');
  });
});
