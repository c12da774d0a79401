/** hostname: valid_utf8_hostname() through a process's midna_domain_to_ascii() cache and its warning. */
import { describe, expect, it } from 'vitest';
import { MidnaCache, validUtf8Hostname } from './hostname.ts';

describe('MidnaCache (midna_domain.c)', () => {
  it('warns once about a name whose A-label form is not a hostname, and caches the failure', () => {
    const warnings: string[] = [];
    const midna = new MidnaCache((t) => warnings.push(t));
    expect(validUtf8Hostname(true, 'bücher.example>', midna.toAscii)).toBe(false);
    expect(validUtf8Hostname(true, 'bücher.example>', midna.toAscii)).toBe(false);
    expect(warnings).toEqual(['midna_domain_to_ascii_create: Problem translating domain "bücher.example>" to ASCII form: malformed ASCII label(s)']);
    expect(validUtf8Hostname(true, 'bücher.example', midna.toAscii)).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it('forgets the least recently used name when full, so it is warned about again', () => {
    const warnings: string[] = [];
    const midna = new MidnaCache((t) => warnings.push(t), 2);
    midna.toAscii('ä.example>');
    midna.toAscii('ö.example');
    midna.toAscii('ü.example');
    midna.toAscii('ä.example>');
    expect(warnings).toHaveLength(2);
  });
});
