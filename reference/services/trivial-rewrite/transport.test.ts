/**
 * transport_maps' "*" entry: looked up once and remembered for 30 s, as trivial-rewrite's
 * transport_wildcard_init does; looked up again after that, and after a lookup error. Also
 * transport(5) entry semantics and the address-extension split mail_addr_find uses.
 */
import { describe, expect, it } from 'vitest';
import { Maps, TableLookupError, type OpenTable } from '../../global/maps.ts';
import { applyTransportEntry, transportLookup, TransportMaps, WILDCARD_TTL_MS } from './transport.ts';
import { stripExtension } from './addr-find.ts';

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

describe('extensions and transport entries', () => {
  it('splits at the first delimiter, except for special local parts', () => {
    expect(stripExtension('u+a+b@x', '+')).toBe('u@x');
    expect(stripExtension('+u@x', '+')).toBeNull();
    expect(stripExtension('owner-list@x', '-')).toBeNull();
    expect(stripExtension('list-request@x', '-+')).toBeNull();
    expect(stripExtension('postmaster+x@y', '+')).toBe('postmaster@y');
    expect(stripExtension('Postmaster@y', '+')).toBeNull();
  });

  it('applies transport(5) entry semantics', () => {
    const route = () => ({ transport: 'smtp', nexthop: '[gw]' });
    const r1 = route(); applyTransportEntry(':[hop]', 'd.example', r1);
    expect(r1).toEqual({ transport: 'smtp', nexthop: '[hop]' });
    const r2 = route(); applyTransportEntry('relay:', 'd.example', r2);
    expect(r2).toEqual({ transport: 'relay', nexthop: 'd.example' });
    const r3 = route(); applyTransportEntry('error:', 'd.example', r3);
    expect(r3).toEqual({ transport: 'error', nexthop: 'Address is undeliverable' });
    const r4 = route(); applyTransportEntry(':', 'd.example', r4);
    expect(r4).toEqual(route());
  });
});
