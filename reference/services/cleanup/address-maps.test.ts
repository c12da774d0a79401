import { describe, expect, it } from 'vitest';
import type { LookupTable } from '../../global/maps.ts';
import { AddressMaps, splitExtension, withExtension } from './address-maps.ts';

function maps(params: Record<string, string>, tables: Record<string, Record<string, string>>): AddressMaps {
  const open = (spec: string): LookupTable => ({ fixed: true, lookup: async (k) => tables[spec]?.[k] ?? null });
  const get = (n: string) => params[n] ?? '';
  return new AddressMaps({
    get, list: (n) => get(n).split(/[\s,]+/).filter(Boolean), int: (n) => Number(get(n)), utf8: true, openTable: open,
    rewrite: { rewrite: async (_rule: string, a: string) => ({ address: a.includes('@') ? a : `${a}@local.example` }) } as never,
    warn: () => undefined,
  });
}

describe('address maps', () => {
  it('splits an extension at the first delimiter after the first character', () => {
    expect(splitExtension('carol+news+x', '+')).toEqual({ bare: 'carol', extension: '+news+x' });
    expect(splitExtension('+carol', '+')).toBeUndefined();
    expect(splitExtension('carol', '')).toBeUndefined();
    expect(withExtension('carol@far.example', '+news')).toBe('carol+news@far.example');
  });

  it('propagates an unmatched extension only for the classes named', async () => {
    const tables = { 't:c': { 'dave@x.example': 'dave@far.example' }, 't:v': { 'carol@x.example': 'carol@far.example' } };
    const base = { recipient_delimiter: '+', canonical_maps: 't:c', canonical_classes: 'envelope_recipient', virtual_alias_maps: 't:v', virtual_alias_recursion_limit: '1000', virtual_alias_expansion_limit: '1000', mydestination: '' };
    const m = maps({ ...base, propagate_unmatched_extensions: 'canonical' }, tables);
    expect(await m.canonical('Q', 'recipient', 'dave+x@x.example')).toBe('dave+x@far.example');
    expect(await m.virtual('Q', 'carol+news@x.example')).toEqual(['carol@far.example']);
    const none = maps({ ...base, propagate_unmatched_extensions: '' }, tables);
    expect(await none.canonical('Q', 'recipient', 'dave+x@x.example')).toBe('dave@far.example');
  });

  it('applies a table list only for its classes, and masquerades with exceptions', async () => {
    const m = maps({
      canonical_maps: 't:c', canonical_classes: 'header_sender', masquerade_domains: '!keep.corp.example corp.example',
      masquerade_exceptions: 'root', masquerade_classes: 'envelope_sender',
    }, { 't:c': { '@old.example': '@new.example' } });
    expect(await m.canonical('Q', 'sender', 'x@old.example', 'header')).toBe('x@new.example');
    expect(await m.canonical('Q', 'sender', 'x@old.example', 'envelope')).toBe('x@old.example');
    expect(m.masquerade('a@mail.corp.example')).toBe('a@corp.example');
    expect(m.masquerade('a@corp.example')).toBe('a@corp.example');
    expect(m.masquerade('a@host.keep.corp.example')).toBe('a@host.keep.corp.example');
    expect(m.masquerade('root@mail.corp.example')).toBe('root@mail.corp.example');
  });
});
