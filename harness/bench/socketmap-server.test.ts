import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { netstring, parseNetstrings, startSocketmapServer, type SocketmapServer } from './socketmap-server.ts';
import { scratchDir } from '../util/cleanup.ts';
import { configArgs } from '../../reference/config/installed-postfix.ts';

const run = promisify(execFile);

describe('socketmap delay server', () => {
  let server: SocketmapServer | undefined;
  let dir = '';
  beforeEach(() => {
    dir = scratchDir('bench-test');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses and encodes netstrings, keeping incomplete input', () => {
    const two = Buffer.concat([netstring('transport a.example'), netstring('x y'), Buffer.from('5:ab')]);
    const { items, rest } = parseNetstrings(two);
    expect(items).toEqual(['transport a.example', 'x y']);
    expect(rest.toString()).toBe('5:ab');
    expect(() => parseNetstrings(Buffer.from('3:abc;'))).toThrow(/comma/);
  });

  it('answers real postmap -q through socketmap:, after the configured delay', async () => {
    server = await startSocketmapServer(join(dir, 'map'), 5, (name, key) => (name === 'transport' && key === 'a.example' ? 'smtp:[127.0.0.1]:25' : null));
    const spec = `socketmap:unix:${server.path}:transport`;
    const hit = await run('postmap', [...configArgs(), '-q', 'a.example', spec]);
    expect(hit.stdout.trim()).toBe('smtp:[127.0.0.1]:25');
    // Not found: exit 1 and nothing said (a fatal error, e.g. an unreadable main.cf, also exits 1).
    await expect(run('postmap', [...configArgs(), '-q', 'b.example', spec])).rejects.toMatchObject({ code: 1, stdout: '', stderr: '' });
    expect(server.lookups).toBe(2);
    expect(server.meanDelayMs()).toBeGreaterThanOrEqual(5);
  });
});
