/** STARTTLS on the sink: with the harness's dialog driver and with Postfix's posttls-finger. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCert } from '../smtp/test-cert.ts';
import { useSinks } from './test-fixture.ts';
import { toolEnv } from '../../reference/config/installed-postfix.ts';

const run = promisify(execFile);
const fx = useSinks();
let keys: { key: Buffer; cert: Buffer };

beforeAll(async () => {
  keys = await selfSignedCert('sink.twinpost.test');
});

describe('sink STARTTLS', () => {
  it('offers STARTTLS, upgrades, starts the session over and takes a transaction over TLS', async () => {
    const sink = await fx.start({ tls: keys });
    const d = await fx.open();
    expect((await d.command('EHLO c.example')).lines).toContain('STARTTLS');
    expect((await d.starttls()).code).toBe(220);
    expect(d.secure).toBe(true);
    expect((await d.command('MAIL FROM:<a@example.com>')).code).toBe(503); // HELO again first
    const ehlo = await d.command('EHLO c.example');
    expect(ehlo.lines).not.toContain('STARTTLS');
    expect((await d.command('STARTTLS')).code).toBe(503);
    await d.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>']);
    expect((await d.data('Subject: secret\r\n\r\nx\r\n')).code).toBe(250);
    const [tx] = await sink.waitForTransactions(1, 5_000);
    expect(tx.data!.toString()).toBe('Subject: secret\r\n\r\nx\r\n');
    expect(sink.connections()[0].tlsProtocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('completes a TLS handshake with Postfix posttls-finger', async () => {
    const sink = await fx.start({ tls: keys });
    const { stdout } = await run('posttls-finger', ['-c', '-l', 'may', `[127.0.0.1]:${sink.endpoint.port}`], { timeout: 20_000, env: toolEnv() });
    expect(stdout).toMatch(/(Anonymous|Untrusted) TLS connection established to 127\.0\.0\.1\[127\.0\.0\.1\]:\d+: TLSv1\.[23]/);
    const [conn] = await sink.waitForClosed(1, 5_000);
    expect(conn.commands.slice(0, 3)).toEqual([expect.stringMatching(/^EHLO /), 'STARTTLS', expect.stringMatching(/^EHLO /)]);
    expect(conn.tlsProtocol).toMatch(/^TLSv1\.[23]$/);
  });

  it('does not offer or accept STARTTLS without keys', async () => {
    await fx.start();
    const d = await fx.open();
    expect((await d.command('EHLO c.example')).lines).not.toContain('STARTTLS');
    expect((await d.command('STARTTLS')).code).toBe(502);
  });
});
