// The smtpd fuzzer's grammar, player, reduction and regression scenarios, without a mail
// system: rendering (tags, BDAT sizes), the player's pacing against a scripted local server,
// the step reduction, the kind of a divergence, and the dialog of a regression scenario.
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createServer, type Server } from 'node:net';
import { renderSession, sessionTag, smtpSessionArb, xtext, SESSION_TAG, type FuzzSession } from './smtpd-grammar.ts';
import { playSession, CLIENT_HUNG_UP } from './smtpd-player.ts';
import { divergenceKind, smallerSessions, type FoundCase } from './smtpd-campaign.ts';
import { asUtf8Text, inlineSource, regressionDialog, regressionScenario } from './smtpd-regression.ts';

const session: FuzzSession = {
  steps: [
    { kind: 'commands', lines: ['EHLO c\r\n'] },
    { kind: 'data', before: [`MAIL FROM:<s${SESSION_TAG}@sink.test>\r\n`, 'RCPT TO:<nobody>\r\n'], command: 'DATA\r\n', content: 'Subject: x\r\n\r\nhi\r\n.\r\n' },
    { kind: 'bdat', chunks: [{ bytes: `ab${SESSION_TAG}\r\n`, last: false, sizeDelta: 0, verb: 'BDAT' }, { bytes: 'x', last: true, sizeDelta: 2, verb: 'bdat' }] },
  ],
  end: 'quit',
};

describe('smtpd fuzzer grammar', () => {
  it('renders the tag into addresses and counts BDAT sizes after it', () => {
    const w = renderSession(session, 'zqq');
    expect(w.map((x) => x.bytes)).toEqual([
      'EHLO c\r\n',
      'MAIL FROM:<szqq@sink.test>\r\nRCPT TO:<nobody>\r\nDATA\r\n',
      'Subject: x\r\n\r\nhi\r\n.\r\n',
      'BDAT 7\r\nabzqq\r\n',
      'bdat 3 LAST\r\nx',
      'QUIT\r\n',
    ]);
    expect(w.map((x) => x.replies)).toEqual(['lines', 'lines', 'content', 'chunk', 'chunk', 'lines']);
  });

  it('gives every session its own tag, letters only', () => {
    const tags = Array.from({ length: 2000 }, (_, i) => sessionTag(i));
    expect(new Set(tags).size).toBe(2000);
    expect(tags.every((t) => /^z[a-z]+$/.test(t))).toBe(true);
  });

  it('generates byte strings only, with the tag in place of the marker', () => {
    for (const s of fc.sample(smtpSessionArb, { seed: 5, numRuns: 200 })) {
      for (const w of renderSession(s, 'zab')) expect(w.bytes).toMatch(/^[\x00-\xff]*$/);
    }
  });

  it('encodes xtext as RFC 3461 says', () => {
    expect(xtext('a+b=c d\xe9')).toBe('a+2Bb+3Dc+20d+E9');
  });
});

describe('smtpd fuzzer player', () => {
  let server: Server | undefined;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A server that answers each LF-terminated line with "250 ok <line>" (two lines for "MULTI"), and closes on QUIT. */
  async function scripted(): Promise<number> {
    server = createServer((sock) => {
      sock.setEncoding('latin1');
      sock.write('220 hi\r\n');
      let buf = '';
      sock.on('data', (d: string) => {
        buf += d;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          const line = buf.slice(0, nl).replace(/\r$/, '');
          buf = buf.slice(nl + 1);
          if (line === 'QUIT') return void sock.end('221 bye\r\n');
          sock.write(line === 'MULTI' ? '250-first\r\n250 second\r\n' : line === 'SILENT' ? '' : `250 ok ${line}\r\n`);
        }
      });
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    return (server.address() as { port: number }).port;
  }

  it('records each write, each reply with its line breaks, and the server close after QUIT', async () => {
    const port = await scripted();
    const played = await playSession(port, [
      { bytes: 'A\r\nMULTI\r\n', replies: 'lines' },
      { bytes: 'QUIT\r\n', replies: 'lines' },
    ]);
    expect(played.lines).toEqual([
      { dir: 'S', text: '220 hi' },
      { dir: 'C', text: 'A\r\nMULTI\r\n' },
      { dir: 'S', text: '250 ok A' },
      { dir: 'S', text: '250-first\r\n250 second' },
      { dir: 'C', text: 'QUIT\r\n' },
      { dir: 'S', text: '221 bye' },
    ]);
    expect(played.serverClosedAt).toBe(6);
  });

  it('goes on after a silent write and hangs up when the session has no QUIT', async () => {
    const port = await scripted();
    const started = Date.now();
    const played = await playSession(port, [{ bytes: 'SILENT\r\n', replies: 'lines' }, { bytes: 'B\r\n', replies: 'lines' }], 150);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(played.lines.map((l) => l.text)).toEqual(['220 hi', 'SILENT\r\n', 'B\r\n', '250 ok B', CLIENT_HUNG_UP]);
  });
});

describe('smtpd fuzzer reduction and reports', () => {
  it('offers every session with one step, line or chunk less', () => {
    const smaller = smallerSessions({ ...session, end: 'hangup' });
    // 3 steps, 2 lines before DATA, 2 chunks, and QUIT in place of the hang-up
    expect(smaller).toHaveLength(3 + 2 + 2 + 1);
    expect(smaller[0]!.steps).toEqual(session.steps.slice(1));
    expect(smaller.at(-1)!.end).toBe('quit');
  });

  it('names a divergence by its first item and lines, tags and queue IDs taken out', () => {
    const kind = divergenceKind([{ item: 'sink remote message Q2', diff: '--- postfix\n+++ reference\n@@ -1 +1 @@\n-RCPT TO:<rzk@sink.test> Q2\n+RCPT TO:<x>' }], 'zk');
    expect(kind).toBe('sink remote message Qn: postfix "RCPT TO:<r<tag>@sink.test> Qn" / reference "RCPT TO:<x>"');
    expect(divergenceKind([], 'zk')).toBe('');
  });

  it('turns a found case into a dialog expecting Postfix reply codes, up to its close', () => {
    const f = { session, tag: 'zk', replies: [['250-x\r\n250 y'], ['250 a', '250 b', '354 go'], ['250 queued'], ['503 no']], closedAfterWrite: 3 } as unknown as FoundCase;
    expect(regressionDialog(f)).toEqual([
      { send: 'EHLO c\r\n', expect: 250 },
      { pipeline: ['MAIL FROM:<szk@sink.test>', 'RCPT TO:<nobody>', 'DATA'], expect: [250, 250, 354] },
      { send: 'Subject: x\r\n\r\nhi\r\n.\r\n', expect: 250 },
      { send: 'BDAT 6\r\nabzk\r\n', expect: 503 },
      { expectClose: true },
    ]);
  });

  it('writes a regression scenario as a fuzzRegression() call, one write per line, every byte escaped', () => {
    const f = { session, tag: 'zk', seed: 5, path: '3:1', kind: 'maillog Qn: x', removed: 2, replies: [['250 x'], ['250 a', '250 b', '354 go'], ['250 queued'], ['503 no']], closedAfterWrite: 3 } as unknown as FoundCase;
    const src = regressionScenario(f, 'some-rule', 'smtpd does this');
    const lines = src.split('\n');
    expect(lines[0]).toBe("import { fuzzRegression } from '../../harness/fuzz/smtpd-config.ts';");
    expect(lines).toContain('    { send: "BDAT 6\\r\\nabzk\\r\\n", expect: 503 },');
    expect(lines).toContain('  removed: 2,');
    expect(lines).toContain(' * Found by `twinpost fuzz smtpd --seed 5` (minimal case at path 3:1); the session\'s');
    // What a line says is what the scenario gets: the source of a value reads back as the value.
    const value = { send: 'a\r\n\u0000"\\', expect: [250, 'x'], messageId: /^<a\.b>$/i, 'odd-key': true };
    const back = new Function(`return ${inlineSource(value)};`)() as typeof value;
    expect(back).toEqual(value);
  });

  it('keeps UTF-8 bytes as text and refuses other 8-bit bytes', () => {
    expect(asUtf8Text(Buffer.from('ü', 'utf8').toString('latin1'))).toBe('ü');
    expect(asUtf8Text('\xe9')).toBeUndefined();
  });
});
