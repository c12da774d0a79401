import { describe, expect, it } from 'vitest';
import { verpDelimitersProblem, verpSender } from './verp.ts';

describe('verpSender', () => {
  it('puts the recipient between the sender local part and its domain', () => {
    expect(verpSender('+=', 'list@client.example', 'carol@far.example')).toBe('list+carol=far.example@client.example');
    expect(verpSender('-=', 'owner-x@lists.example', 'a.b@c.d')).toBe('owner-x-a.b=c.d@lists.example');
  });

  it('leaves out the parts an address does not have', () => {
    expect(verpSender('+=', 'list', 'carol')).toBe('list+carol');
    expect(verpSender('+=', 'list@origin', 'carol')).toBe('list+carol@origin');
    expect(verpSender('+=', 'list', 'carol@far')).toBe('list+carol=far');
  });
});

describe('verpDelimitersProblem', () => {
  it('takes two characters of the filter', () => {
    expect(verpDelimitersProblem('+=', '-=+')).toBeUndefined();
    expect(verpDelimitersProblem('-%', '-=+%')).toBeUndefined();
  });

  it('names what is wrong otherwise', () => {
    expect(verpDelimitersProblem('+', '-=+')).toBe('bad VERP delimiter character count');
    expect(verpDelimitersProblem('+==', '-=+')).toBe('bad VERP delimiter character count');
    expect(verpDelimitersProblem('a=', '-=+')).toBe('bad first VERP delimiter character');
    expect(verpDelimitersProblem('+b', '-=+')).toBe('bad second VERP delimiter character');
  });
});
