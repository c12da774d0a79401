import { describe, expect, it } from 'vitest';
import { findScenarioFiles, globToRegExp } from './load.ts';

describe('scenario discovery', () => {
  it('turns globs into anchored regular expressions', () => {
    expect(globToRegExp('specs/**').test('specs/smtpd/bad-input.ts')).toBe(true);
    expect(globToRegExp('specs/*/relay-*').test('specs/smtpd/relay-denied')).toBe(true);
    expect(globToRegExp('specs/*').test('specs/smtpd/relay-denied.ts')).toBe(false);
  });

  it('finds every scenario by default, never test files', () => {
    const all = findScenarioFiles();
    expect(all).toContain('specs/smtpd/relay-denied.ts');
    expect(all.some((f) => f.endsWith('.test.ts'))).toBe(false);
  });

  it('takes globs relative to specs/ or to another directory', () => {
    expect(findScenarioFiles('smtpd/relay-denied*')).toEqual(['specs/smtpd/relay-denied-default.ts', 'specs/smtpd/relay-denied.ts']);
    expect(findScenarioFiles('specs/smtpd')).toContain('specs/smtpd/bad-input.ts');
    expect(findScenarioFiles('fixtures/failing/*')).toEqual(['fixtures/failing/wrong-expectation.ts']);
    expect(findScenarioFiles('nothing-like-this/*')).toEqual([]);
  });
});
