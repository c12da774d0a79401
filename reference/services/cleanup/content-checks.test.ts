import { describe, expect, it } from 'vitest';
import type { LookupTable } from '../../global/maps.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';
import { ContentChecks, type ContentCheckOptions } from './content-checks.ts';

/** A pattern table from [regexp, action] rules: the first rule whose expression matches wins. */
function rules(list: [RegExp, string][]): LookupTable {
  return { fixed: false, lookup: async (key) => list.find(([re]) => re.test(key))?.[1] ?? null };
}

function setup(header: [RegExp, string][], body: [RegExp, string][] = [], more: Partial<ContentCheckOptions> = {}) {
  const info: string[] = [];
  const warn: string[] = [];
  const tables: Record<string, LookupTable> = { 'test:header': rules(header), 'test:body': rules(body) };
  const checks = new ContentChecks({
    headerChecks: header.length ? ['test:header'] : [], bodyChecks: body.length ? ['test:body'] : [],
    rejectCharacters: '', stripCharacters: '', openTable: (spec) => tables[spec]!, utf8: true,
    info: (t) => info.push(t), warn: (t) => warn.push(t), ...more,
  }, { queueId: 'QID', origin: 'host[1.2.3.4]', sender: 'a@b', recipient: 'c@d', proto: 'ESMTP', helo: 'h' });
  return { checks, info, warn };
}

describe('content checks', () => {
  it('REJECT puts 5.7.1 before a text without a status, logs, and stops further inspection', async () => {
    const { checks, info } = setup([[/^Subject: spam/, 'REJECT go away'], [/^X-Later:/, 'WARN later']]);
    expect(await checks.checkHeader(['Subject: spam here'])).toEqual(['Subject: spam here']);
    expect(checks.verdict).toMatchObject({ status: CLEANUP_STAT.CONT, reason: '5.7.1 go away' });
    expect(info).toEqual(['QID: reject: header Subject: spam here from host[1.2.3.4]; from=<a@b> to=<c@d> proto=ESMTP helo=<h>: 5.7.1 go away']);
    await checks.checkHeader(['X-Later: x']);
    expect(info).toHaveLength(1);
  });

  it('a 4.x.x REJECT is a deferral; an empty one takes the table text', async () => {
    const soft = setup([[/^Subject:/, 'REJECT 4.7.0 later']]);
    await soft.checks.checkHeader(['Subject: x']);
    expect(soft.checks.verdict).toMatchObject({ status: CLEANUP_STAT.DEFER, reason: '4.7.0 later' });
    const bare = setup([[/^Subject:/, 'REJECT']]);
    await bare.checks.checkHeader(['Subject: x']);
    expect(bare.checks.verdict.reason).toBe('5.7.1 message content rejected');
  });

  it('IGNORE drops, REPLACE replaces, PREPEND inserts before; a folded header is one key', async () => {
    const { checks } = setup([[/^X-Drop:/, 'IGNORE'], [/^X-Old:/, 'REPLACE X-New: yes'], [/^Subject: a\n b$/, 'PREPEND X-Seen: folded']],
      [[/^secret$/, 'IGNORE'], [/^old$/, 'REPLACE new'], [/^here$/, 'PREPEND before']]);
    expect(await checks.checkHeader(['X-Drop: 1'])).toEqual([]);
    expect(await checks.checkHeader(['X-Old: 1'])).toEqual(['X-New: yes']);
    expect(await checks.checkHeader(['Subject: a', ' b'])).toEqual(['X-Seen: folded', 'Subject: a', ' b']);
    expect(await checks.checkBody('secret')).toEqual([]);
    expect(await checks.checkBody('old')).toEqual(['new']);
    expect(await checks.checkBody('here')).toEqual(['before', 'here']);
    expect(await checks.checkBody('plain')).toEqual(['plain']);
  });

  it('gives a header PREPEND text apart from the header it was put before', async () => {
    const { checks } = setup([[/^Received:/, 'PREPEND Received: from prepended'], [/^X-Drop:/, 'IGNORE']]);
    expect(await checks.checkHeaderParts(['Received: from relay'])).toEqual({ prepend: 'Received: from prepended', lines: ['Received: from relay'] });
    expect(await checks.checkHeaderParts(['X-Drop: 1'])).toEqual({ lines: [] });
    expect(await checks.checkHeaderParts(['X-Other: 1'])).toEqual({ lines: ['X-Other: 1'] });
  });

  it('a header REPLACE or PREPEND text that is no header is refused with a warning', async () => {
    const { checks, warn } = setup([[/^X-A:/, 'REPLACE not a header']]);
    expect(await checks.checkHeader(['X-A: 1'])).toEqual(['X-A: 1']);
    expect(warn[0]).toMatch(/^bad REPLACE header text "not a header" in header_checks map/);
  });

  it('HOLD and DISCARD set the verdict; HOLD is logged once', async () => {
    const { checks, info } = setup([[/^X-Hold:/, 'HOLD review'], [/^X-Discard:/, 'DISCARD']]);
    await checks.checkHeader(['X-Hold: 1']);
    await checks.checkHeader(['X-Hold: 2']);
    expect(info.filter((l) => l.includes(': hold: '))).toHaveLength(1);
    await checks.checkHeader(['X-Discard: 1']);
    expect(checks.verdict).toMatchObject({ hold: true, discard: true, status: 0 });
  });

  it('strips and refuses characters', async () => {
    const { checks, info } = setup([], [], { stripCharacters: '^', rejectCharacters: '~' });
    expect(checks.strip('a^b^')).toBe('ab');
    expect(await checks.checkBody('x~y')).toEqual(['x~y']);
    expect(checks.verdict.reason).toBe('5.7.1 disallowed character');
    expect(info[0]).toMatch(/^QID: reject: content x~y from /);
  });
});
