/**
 * transport_maps' "*" entry: looked up once and remembered for 30 s, as trivial-rewrite's
 * transport_wildcard_init does; looked up again after that, and after a lookup error.
 */
import { describe, expect, it } from 'vitest';
import { Maps, TableLookupError, type OpenTable } from './maps.ts';
import { transportLookup, TransportMaps, WILDCARD_TTL_MS } from './transport.ts';

describe('TransportMaps', () => {
  it('remembers "*" for 30 s, then asks again; a lookup error is not remembered', async () => {
    const asked: string[] = [];
    let wildcard: string | null = 'relay:[gw.example]';
    let failing = false;
    const open: OpenTable = () => ({
      fixed: true,
      lookup: async (key) => {
        asked.push(key);
        if (failing) throw new Error('server down');
        return key === '*' ? wildcard : key === 'known.example' ? 'smtp:[mx.known.example]' : null;
      },
    });
    let now = 1_000;
    const t = new TransportMaps(new Maps('transport_maps', 'test:table', open), () => now);

    expect(await transportLookup(t, 'a@other.example', '', false)).toBe('relay:[gw.example]');
    expect(await transportLookup(t, 'b@other.example', '', false)).toBe('relay:[gw.example]');
    expect(asked.filter((k) => k === '*')).toHaveLength(1);
    expect(await transportLookup(t, 'c@known.example', '', false)).toBe('smtp:[mx.known.example]');

    wildcard = null; // the table changed; the old answer stands until it expires
    now += WILDCARD_TTL_MS - 1;
    expect(await transportLookup(t, 'd@other.example', '', false)).toBe('relay:[gw.example]');
    now += 1;
    expect(await transportLookup(t, 'e@other.example', '', false)).toBeNull();
    expect(asked.filter((k) => k === '*')).toHaveLength(2);

    now += WILDCARD_TTL_MS;
    failing = true;
    await expect(t.wildcardEntry()).rejects.toThrow(TableLookupError);
    failing = false;
    wildcard = 'error:gone';
    expect(await t.wildcardEntry()).toBe('error:gone');
    expect(asked.filter((k) => k === '*')).toHaveLength(4);
  });
});
