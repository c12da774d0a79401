// `twinpost fuzz rewrite` and `fuzz smtpd`: usage errors, --help, and a short real campaign against Postfix whose
// last line gives the cases run, the divergences and the cases per second.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fuzzCommand } from './fuzz.ts';

function capture() {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  return lines;
}

afterEach(() => vi.restoreAllMocks());

describe('twinpost fuzz', () => {
  it('answers --help with exit 0 and bad usage with exit 2', async () => {
    const lines = capture();
    expect(await fuzzCommand(['--help'])).toBe(0);
    expect(lines.join('\n')).toContain('usage: twinpost fuzz rewrite --runs N');
    expect(await fuzzCommand(['rewrite'])).toBe(2);
    expect(await fuzzCommand(['smtpd', '--runs', 'x'])).toBe(2);
    expect(await fuzzCommand(['smtpd', '--to-spec', 'f.json', '--name', 'x'])).toBe(2);
    expect(await fuzzCommand(['smtpd', '--seed', '1', '--path', 'a:b'])).toBe(2);
    expect(await fuzzCommand(['smtpd', '--bogus'])).toBe(2);
    expect(await fuzzCommand(['nosuch', '--runs', '5'])).toBe(2);
    expect(await fuzzCommand(['rewrite', '--runs', 'x'])).toBe(2);
    expect(await fuzzCommand(['rewrite', '--runs', '5', '--seed', 'abc'])).toBe(2);
  });

  it('runs a short seeded campaign against real Postfix', async () => {
    const lines = capture();
    expect(await fuzzCommand(['rewrite', '--runs', '40', '--per-config', '20', '--seed', '11'])).toBe(0);
    expect(lines.filter((l) => /^ {2}\d+\/40 cases/.test(l))).toHaveLength(2);
    expect(lines.at(-1)).toMatch(/^fuzz rewrite: 40 cases run, 0 divergences, [\d.]+ cases\/s \(2 configurations, seed 11, /);
  }, 60_000);
});
