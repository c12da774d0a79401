/**
 * macroSyntaxError(): the patterns mac_parse() refuses, with the warning real Postfix 3.7.11
 * logs for them ("truncated macro reference" seen in local/command-directory-syntax), and
 * patterns it takes, unset attributes included.
 */
import { describe, expect, it } from 'vitest';
import { macroSyntaxError } from './forward-path.ts';

describe('macroSyntaxError', () => {
  it('a "${" or "$(" left open is a truncated reference', () => {
    expect(macroSyntaxError('/${extension')).toBe('truncated macro reference: "/${extension"');
    expect(macroSyntaxError('$(home/x')).toBe('truncated macro reference: "$(home/x"');
    expect(macroSyntaxError('${a{b}')).toBe('truncated macro reference: "${a{b}"');
  });

  it('a "$" without a name is an empty macro name', () => {
    expect(macroSyntaxError('/var/$')).toBe('empty macro name: "/var/$"');
    expect(macroSyntaxError('/x/${}')).toBe('empty macro name: "/x/${}"');
    expect(macroSyntaxError('$/x')).toBe('empty macro name: "$/x"');
  });

  it('names, conditional forms and "$$" are no error', () => {
    expect(macroSyntaxError('$home/.forward${recipient_delimiter}${extension}')).toBeUndefined();
    expect(macroSyntaxError('/${extension?{x}}/$(user)')).toBeUndefined();
    expect(macroSyntaxError('/cost$$5')).toBeUndefined();
    expect(macroSyntaxError('/plain/path')).toBeUndefined();
  });
});
