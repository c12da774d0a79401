import { describe, expect, it } from 'vitest';
import { Maps, type LookupTable } from '../../global/maps.ts';
import { LocalDomains } from '../../global/resolve-local.ts';
import { GenericMaps } from './generic-maps.ts';

/** smtp_generic_maps as one fixed table with `entries`; the keys asked are recorded. */
function generic(entries: Record<string, string>, propagate = false) {
  const asked: string[] = [];
  const warnings: string[] = [];
  const table: LookupTable = { fixed: true, lookup: async (key) => (asked.push(key), entries[key] ?? null) };
  const open = () => table;
  const params: Record<string, string> = { mydestination: 'mx.example', inet_interfaces: '127.0.0.1', proxy_interfaces: '', inet_protocols: 'ipv4', smtputf8_enable: 'yes' };
  const local = new LocalDomains({ str: (n) => params[n] ?? '', bool: (n) => params[n] === 'yes' }, open);
  const maps = new GenericMaps({ maps: new Maps('smtp_generic_maps', ['test:generic'], open), local, myorigin: 'origin.example', delimiters: '+', propagate, warn: (t) => warnings.push(t) });
  return { maps, asked, warnings };
}

describe('GenericMaps', () => {
  it('tries the full address, then without the extension, the local part for a local domain ($mydestination or $myorigin), then @domain', async () => {
    const { maps, asked } = generic({});
    expect(await maps.map('joe+x@mx.example')).toBe('joe+x@mx.example');
    expect(asked).toEqual(['joe+x@mx.example', 'joe@mx.example', 'joe+x', 'joe', '@mx.example']);
    asked.length = 0;
    await maps.map('joe@far.example');
    expect(asked).toEqual(['joe@far.example', '@far.example']);
    asked.length = 0;
    await maps.map('joe@origin.example');
    expect(asked).toEqual(['joe@origin.example', 'joe', '@origin.example']);
  });

  it('completes an "@domain" answer with the local part and puts the extension back only when asked', async () => {
    // the @domain key is not an extension-less one: the local part keeps its extension
    expect(await generic({ '@mx.example': '@isp.example' }).maps.map('joe+x@mx.example')).toBe('joe+x@isp.example');
    expect(await generic({ 'joe@mx.example': '@isp.example' }).maps.map('joe+x@mx.example')).toBe('joe@isp.example');
    expect(await generic({ 'joe@mx.example': 'joseph@isp.example' }, true).maps.map('joe+x@mx.example')).toBe('joseph+x@isp.example');
  });

  it('uses the first address of a list and warns, and leaves the null sender alone', async () => {
    const { maps, warnings, asked } = generic({ 'a@far.example': 'b@far.example, c@far.example' });
    expect(await maps.map('a@far.example')).toBe('b@far.example');
    expect(warnings).toEqual(['multi-valued smtp_generic_maps result for a@far.example']);
    asked.length = 0;
    expect(await maps.map('')).toBe('');
    expect(asked).toEqual([]);
  });

  it('rebuilds an address header with a changed address and leaves other headers alone', async () => {
    const { maps } = generic({ 'a@mx.example': 'a@isp.example' });
    expect(await maps.header('To: b@far.example,\n\tA <a@mx.example>')).toBe('To: b@far.example, A <a@isp.example>');
    expect(await maps.header('To: b@far.example')).toBeUndefined();
    expect(await maps.header('Subject: a@mx.example')).toBeUndefined();
  });
});
