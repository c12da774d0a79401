/**
 * For the targets' tests: submit one short message over SMTP to a running target and return
 * the queue ID from its "250 … queued as ID" reply (asserting the RCPT was accepted).
 */
import { expect } from 'vitest';
import { SmtpDialog } from '../../smtp/dialog.ts';
import type { Endpoint } from '../types.ts';

export async function submit(t: { smtp: Endpoint }, rcpt: string): Promise<string> {
  const s = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 10_000 });
  await s.command('EHLO test.example');
  await s.command('MAIL FROM:<a@client.example>');
  expect((await s.command(`RCPT TO:<${rcpt}>`)).code).toBe(250);
  const r = await s.data('Subject: t\r\n\r\nx\r\n');
  await s.quit();
  const m = /queued as ([0-9A-Za-z]+)/.exec(r.text);
  expect(m, r.text).not.toBeNull();
  return m![1]!;
}
