import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderBenchmarksSection, updateReadme } from './readme.ts';
import { scratchDir } from '../util/cleanup.ts';

describe('README benchmarks section', () => {
  let dir = '';
  beforeEach(() => {
    dir = scratchDir('bench-readme');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends the section once, then replaces only it', () => {
    const file = join(dir, 'README.md');
    writeFileSync(file, '# twinpost\n\nintro\n');
    updateReadme(file, '## Benchmarks\n\nfirst\n');
    expect(readFileSync(file, 'utf8')).toBe('# twinpost\n\nintro\n\n## Benchmarks\n\nfirst\n');
    writeFileSync(file, readFileSync(file, 'utf8') + '\n## Later section\n\nkept\n');
    updateReadme(file, '## Benchmarks\n\nsecond\n');
    expect(readFileSync(file, 'utf8')).toBe('# twinpost\n\nintro\n\n## Benchmarks\n\nsecond\n\n## Later section\n\nkept\n');
  });

  it('renders the method notes even before any benchmark ran', () => {
    const md = renderBenchmarksSection({});
    expect(md.startsWith('## Benchmarks\n')).toBe(true);
    expect(md).toContain('socketmap');
  });
});
