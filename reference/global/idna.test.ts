// UTS #46 as Postfix 3.7 uses it (no Bidi / ContextJ rules) and the Punycode encoder.
import { describe, expect, it } from 'vitest';
import { domainToAsciiPostfix, punycodeEncode } from './idna.ts';
import { validUtf8Hostname } from './hostname.ts';

describe('punycodeEncode (RFC 3492)', () => {
  it('encodes known labels', () => {
    expect(punycodeEncode('bücher')).toBe('bcher-kva');
    expect(punycodeEncode('münchen')).toBe('mnchen-3ya');
    expect(punycodeEncode('日本語')).toBe('wgv71a119e');
    expect(punycodeEncode('ü')).toBe('tda');
  });
});

describe('domainToAsciiPostfix', () => {
  it('maps case and width, then encodes each label', () => {
    expect(domainToAsciiPostfix('BÜCHER.Example')).toBe('xn--bcher-kva.example');
    expect(domainToAsciiPostfix('пример.испытание')).toBe('xn--e1afmkfd.xn--80akhbyknj4f');
    expect(domainToAsciiPostfix('ü。x')).toBe('xn--tda.x');
  });
  it('accepts a label mixing right-to-left and left-to-right letters (found by the fuzzer)', () => {
    expect(domainToAsciiPostfix('ܜჱ')).toBe('xn--mnb841c');
    expect(validUtf8Hostname(true, 'ܜჱ')).toBe(true);
  });
  it('rejects hyphens at the ends or in positions 3-4, a leading mark, an empty label', () => {
    for (const bad of ['ü-.com', '-ü.com', 'ab--ü.x', '\u0301ü.x', 'ü..x']) expect(domainToAsciiPostfix(bad), bad).toBeNull();
  });
  it('is not used without smtputf8_enable', () => {
    expect(validUtf8Hostname(false, 'bücher.example')).toBe(false);
  });
});
