/**
 * Differential test of the delivery side: real Postfix 3.7.11 and the reference MTA, same
 * configuration, each relaying to its own capture sink. The same messages go in through SMTP
 * (relay to a remote domain, an alias that expands to a local user and a remote address, a
 * recipient the peer answers 450, a recipient the peer answers 550); compared after
 * normalisation: every smtp(8)/local(8) status line, what each sink received (envelope,
 * parameters, message bytes) and the local mailbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PostfixTarget } from '../postfix/postfix-target.ts';
import { ReferenceTarget } from './reference-target.ts';
import { createNormaliser, type Normaliser } from '../../observe/normalise.ts';
import { createSink, type Sink } from '../../sink/index.ts';
import { SmtpDialog } from '../../smtp/dialog.ts';
import type { Delivery } from '../../observe/events.ts';
import type { Target } from '../types.ts';
import { scratchDir } from '../../util/cleanup.ts';

interface Side {
  target: Target;
  sink: Sink;
}

const FAULTS = [
  { kind: 'reply' as const, stage: 'rcpt' as const, reply: '450 4.2.0 <later@far.example>: try again', recipients: ['later@far.example'] },
  { kind: 'reply' as const, stage: 'rcpt' as const, reply: '550 5.1.1 <gone@far.example>: no such user', recipients: ['gone@far.example'] },
];

/** Both targets, each with its own sink, started with the same configuration. */
function useSides(config: Parameters<Target['start']>[0]): Side[] {
  const sides: Side[] = [];
  beforeAll(async () => {
    for (const target of [new PostfixTarget(), new ReferenceTarget()]) {
      const sink = await createSink({ faults: FAULTS });
      sides.push({ target, sink });
      const main: Record<string, string> = {};
      for (const [k, v] of Object.entries(config.main)) main[k] = v.replace('{{sink}}', sink.relay);
      await target.start({ ...config, main });
    }
  }, 60_000);
  afterAll(async () => {
    for (const s of sides) {
      await s.target.dispose();
      await s.sink.close();
    }
  });
  return sides;
}

async function send(t: Target, from: string, rcpts: string[], body: string): Promise<void> {
  const d = await SmtpDialog.connect({ ...t.smtp, timeoutMs: 10_000 });
  try {
    await d.command('EHLO client.example');
    await d.command(`MAIL FROM:<${from}>`);
    for (const r of rcpts) await d.command(`RCPT TO:<${r}>`);
    await d.data(body);
    await d.quit();
  } finally {
    await d.close();
  }
}

/** Queue IDs in any position become "<qid>" (the two targets allocate them in different orders). */
const maskIds = (text: string): string => text.replace(/\b(?:[0-9A-F]{10,}|Q\d+)\b/g, '<qid>');

/** Normalised smtp/local status lines of one side, sorted (agents run concurrently). */
function statusLines(t: Target, n: Normaliser): string[] {
  return t.events()
    .filter((e): e is Delivery => e.kind === 'delivery' && (e.service === 'smtp' || e.service === 'local'))
    // Known divergence: the reference smtp(8) has no connection cache, so it never logs conn_use=N.
    .map((e) => `${e.service}: ${maskIds(n.text(e.raw).replace(/^.*?\]: /, '')).replace(/, conn_use=\d+/, '')}`)
    .sort();
}

describe('delivery: reference vs real Postfix 3.7.11', () => {
  const sides = useSides({
    main: { relayhost: '{{sink}}', alias_maps: 'lmdb:$config_directory/aliases', alias_database: 'lmdb:$config_directory/aliases', smtpd_error_sleep_time: '0' },
    maps: [{ name: 'aliases', content: 'postmaster: root\nboth: nobody, remote@far.example\n', build: 'postalias' }],
  });
  it('relay, alias re-injection, 450 deferral and 550 bounce give the same status lines, sink traffic and mailbox', async () => {
    for (const { target } of sides) {
      await send(target, 's@client.example', ['x@far.example', 'later@far.example', 'gone@far.example'], 'Subject: relay\r\nMessage-ID: <r1@client.example>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nFrom: s@client.example\r\n\r\nhello\r\n');
      await send(target, 's2@client.example', ['both@mx.twinpost.test'], 'Subject: alias\r\nMessage-ID: <a1@client.example>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nFrom: s2@client.example\r\n\r\nFrom me\r\n');
      await target.waitForEvent((e) => e.kind === 'delivery' && e.to === 'remote@far.example', 20_000);
      await target.waitForEvent((e) => e.kind === 'delivery' && e.to === 'later@far.example', 20_000);
      await target.waitForEvent((e) => e.kind === 'delivery' && e.to === 'gone@far.example', 20_000);
      await target.waitForEvent((e) => e.kind === 'delivery' && e.to === 's@client.example', 20_000); // the bounce for gone@
    }
    const [real, ref] = compared(sides);
    expect(ref.lines).toEqual(real.lines);
    expect(ref.traffic).toEqual(real.traffic);
    const boxes = await Promise.all(sides.map(({ target }) => target.mailbox('nobody')));
    expect(maskIds(createNormaliser().text(boxes[1]))).toBe(maskIds(createNormaliser().text(boxes[0])));
  });
});

describe('local(8): reference vs real Postfix 3.7.11', () => {
  // One :include: file outside both instances (alias values are not $-expanded).
  const incDir = scratchDir('include');
  chmodSync(incDir, 0o755);
  const include = join(incDir, 'list.inc');
  writeFileSync(include, '# members\nnobody\nfar@far.example\n');
  afterAll(() => rmSync(incDir, { recursive: true, force: true }));
  const sides = useSides({
    main: {
      relayhost: '{{sink}}', local_recipient_maps: '', smtpd_error_sleep_time: '0',
      alias_maps: 'lmdb:$config_directory/aliases', alias_database: 'lmdb:$config_directory/aliases',
    },
    maps: [
      { name: 'aliases', content: `postmaster: root\nlist: :include:${include}\nowner-list: nobody\n`, build: 'postalias' },
    ],
  });
  it(':include:, owner- sender, unknown user bounce and Delivered-To loop give the same results', async () => {
    for (const { target } of sides) {
      await send(target, 's@client.example', ['list@mx.twinpost.test', 'nosuch@mx.twinpost.test'], 'Subject: list\r\nMessage-ID: <l1@client.example>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nFrom: s@client.example\r\n\r\nhi\r\n');
      await send(target, 't@client.example', ['nobody@mx.twinpost.test'], 'Delivered-To: nobody@mx.twinpost.test\r\nSubject: loop\r\nMessage-ID: <l2@client.example>\r\nDate: Sat, 28 Nov 2026 10:00:00 +0000\r\nFrom: t@client.example\r\n\r\nloop\r\n');
      await target.waitForEvent((e) => e.kind === 'delivery' && e.to === 'far@far.example', 20_000);
      await target.waitForEvent((e) => e.kind === 'delivery' && e.to === 's@client.example', 20_000);
      await target.waitForEvent((e) => e.kind === 'delivery' && e.to === 't@client.example', 20_000);
    }
    const [real, ref] = compared(sides);
    expect(ref.lines).toEqual(real.lines);
    // Real cleanup marks the bounce notices encoding=8bit from their MIME headers, so real
    // smtp(8) adds BODY=8BITMIME to them (the reference's bounce sets the attribute itself).
    const envelope = (t: typeof real) => t.traffic.map(({ from, params, rcpt }) => ({ from, rcpt, params: from === '' ? params.filter((p) => p !== 'BODY=8BITMIME') : params }));
    expect(envelope(ref)).toEqual(envelope(real));
  });
});

function compared(sides: Side[]) {
  return sides.map(({ target, sink }) => {
      const n = createNormaliser({ messageIds: false, replace: { [String(sink.endpoint.port)]: '<sinkport>', [target.configDir]: '<config>' } });
      const lines = statusLines(target, n);
      const traffic = sink.transactions()
        .filter((tx) => tx.rcptTo.some((r) => r !== 's@client.example'))
        .map((tx) => ({ from: tx.mailFrom, params: tx.mailParams, rcpt: tx.rcptTo, data: maskIds(n.text(tx.data!.toString('latin1'))) }))
        .sort((a, b) => a.from.localeCompare(b.from));
    return { lines, traffic, target };
  });
}
