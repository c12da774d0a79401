/**
 * Differential test of the SMTP server: the same raw client dialogs (exact bytes, pipelining,
 * bad input) against real Postfix 3.7.11 (postfix target) and the reference MTA (reference
 * target), same configuration. The replies must be byte-identical, and smtpd's log lines
 * (connect, client=, reject, warnings, pipelining, disconnect with command counts) identical
 * after normalisation (queue IDs renamed in order, times and pids masked).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { PostfixTarget } from '../postfix/postfix-target.ts';
import { ReferenceTarget } from './reference-target.ts';
import { createNormaliser } from '../../observe/normalise.ts';
import type { Target } from '../types.ts';

/** One step: bytes to send (CLOSE = hang up), then how many replies to wait for. */
type Step = [bytes: string, replies: number];

/** Send steps in order, each after the previous replies arrived; returns every byte received. */
function dialog(port: number, steps: Step[], localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect({ host: '127.0.0.1', port, localAddress });
    let got = '';
    let want = 1; // the greeting
    let i = 0;
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error(`dialog timed out after step ${i}; received:\n${got}`));
    }, 15_000);
    const complete = (): number => got.split('\r\n').filter((l) => /^\d{3} /.test(l)).length;
    let needed = want;
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      got += d;
      while (complete() >= needed && i < steps.length) {
        const [bytes, n] = steps[i++];
        needed += n;
        if (bytes === CLOSE) sock.end();
        else sock.write(bytes, 'latin1');
      }
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    sock.on('error', () => undefined);
    want = 0;
  });
}

const CLOSE = '<close>';

const DIALOGS: Record<string, Step[]> = {
  'client hangs up after RCPT': [['EHLO c\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], [CLOSE, 0]],
  'client hangs up in DATA': [['EHLO c\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1], ['Subject: x\r\n\r\nabc\r\n', 0], [CLOSE, 0]],
  'too many errors': [['HELO c\r\n', 1], ...Array.from({ length: 20 }, (): Step => ['BLAH\r\n', 1])],
  'null sender, bare postmaster, recipient limit of DSN params': [
    ['EHLO c\r\n', 1], ['MAIL FROM:<> RET=HDRS ENVID=abc\r\n', 1], ['RCPT TO:<postmaster>\r\n', 1], ['RCPT TO:<Nobody@MX.twinpost.test>\r\n', 1],
    ['DATA\r\n', 1], ['Subject: n\r\n\r\n.\r\n', 1], ['QUIT\r\n', 1],
  ],
  'accepted message': [
    ['EHLO client.example\r\n', 1], ['MAIL FROM:<s@client.example> SIZE=100 BODY=8BITMIME\r\n', 1],
    ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1], ['Subject: hi\r\n\r\n..x\r\nFrom y\r\n.\r\n', 1], ['QUIT\r\n', 1],
  ],
  'out of sequence and unknown commands': [
    ['EHLO client.example\r\n', 1], ['RCPT TO:<a@b>\r\n', 1], ['DATA\r\n', 1], ['MAIL FROM:<s@client.example>\r\n', 1],
    ['DATA\r\n', 1], ['MAIL FROM:<t@client.example>\r\n', 1], ['RCPT TO:<nosuch@mx.twinpost.test>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1],
    ['VRFY nobody\r\n', 1], ['VRFY nosuch\r\n', 1], ['NOOP hello\r\n', 1], ['RSET x\r\n', 1], ['RSET\r\n', 1], ['BLAH\r\n', 1], ['HELO x\r\n', 1],
    ['MAIL FROM:<>\r\n', 1], ['RCPT TO:<postmaster>\r\n', 1], ['RCPT TO:postmaster@mx.twinpost.test\r\n', 1], ['QUIT\r\n', 1],
  ],
  'overlong lines, bare LF and a non-SMTP command': [
    ['EHLO c\r\n', 1], ['NOOP ' + 'x'.repeat(3000) + '\r\n', 1], ['MAIL FROM:<' + 'a'.repeat(2100) + '@x>\r\n', 1],
    ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1],
    ['Subject: bare\nX: y\r\n\r\nline1\nline2\r\n.\n', 1], ['\r\n', 1], ['.\r\n', 1],
  ],
  'parameters and syntax errors': [
    ['HELO c\r\n', 1], ['MAIL FROM:<s@c> SIZE=99999999\r\n', 1], ['MAIL FROM:<s@c> BODY=FOO\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1],
    ['EHLO\r\n', 1], ['VRFY\r\n', 1], ['MAIL\r\n', 1], ['MAIL FROM:<s@c> SIZE=abc\r\n', 1], ['RSET\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1],
    ['RCPT TO:<>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test> FOO=1\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;x@y\r\n', 1],
    ['DATA x\r\n', 1], ['Get / HTTP/1.0\r\n', 1],
  ],
  'quoted local parts and other address syntax': [
    ['EHLO c\r\n', 1], ['MAIL FROM:<"a b"@client.example>\r\n', 1], ['RCPT TO:<"x y"@mx.twinpost.test>\r\n', 1],
    ['RCPT TO:<"nobody"@mx.twinpost.test>\r\n', 1], ['RSET\r\n', 1], ['MAIL FROM:<a b@client.example>\r\n', 1],
    ['MAIL FROM:<"a>b"@client.example>\r\n', 1], ['RSET\r\n', 1], ['MAIL FROM:<"a\\"b"@client.example>\r\n', 1], ['RSET\r\n', 1],
    ['MAIL FROM:<"open@client.example>\r\n', 1], ['MAIL FROM:"a b"@client.example\r\n', 1], ['RSET\r\n', 1],
    ['MAIL FROM:<@relay.example:"a b"@client.example>\r\n', 1], ['QUIT\r\n', 1],
  ],
  'ETRN, AUTH, STARTTLS, XCLIENT without the features': [
    ['ETRN far.example\r\n', 1], ['EHLO c\r\n', 1], ['ETRN\r\n', 1], ['ETRN @far.example\r\n', 1], ['ETRN bad..name!\r\n', 1],
    ['MAIL FROM:<s@c>\r\n', 1], ['ETRN x.example\r\n', 1], ['STARTTLS\r\n', 1], ['AUTH PLAIN\r\n', 1],
    ['XCLIENT NAME=x\r\n', 1], ['XFORWARD NAME=x\r\n', 1], ['RSET\r\n', 1], ['XCLIENT NAME=x\r\n', 1], ['XFORWARD\r\n', 1], ['QUIT\r\n', 1],
  ],
  'improper pipelining': [
    ['EHLO c\r\nMAIL FROM:<s@c>\r\nRCPT TO:<nobody@mx.twinpost.test>\r\n', 3], ['DATA\r\nSubject: p\r\n\r\nbody\r\n.\r\nQUIT\r\n', 3],
  ],
};

/** smtpd's own log lines since `from`, normalised, without the syslog prefix. */
function smtpdLines(t: Target, from: number): string[] {
  const n = createNormaliser();
  return t.events().slice(from).filter((e) => e.service === 'smtpd').map((e) => n.text(e.raw).replace(/^.*?\]: /, ''));
}

/** Run every dialog on both targets (real first) and compare replies and smtpd log lines. */
function compareDialogs(title: string, main: Record<string, string>, dialogs: Record<string, Step[]>, localAddress?: string): void {
  describe(title, () => {
    const targets: Target[] = [new PostfixTarget(), new ReferenceTarget()];
    beforeAll(async () => {
      await Promise.all(targets.map((t) => t.start({ main: { smtpd_error_sleep_time: '0', ...main } })));
    }, 60_000);
    afterAll(async () => {
      for (const t of targets) await t.dispose();
    });
    const queued = new Map<Target, string[]>();
    for (const [name, steps] of Object.entries(dialogs)) {
      it(name, async () => {
        const results: { replies: string; log: string[] }[] = [];
        for (const t of targets) {
          const from = t.events().length;
          const raw = await dialog(t.smtp.port, steps, localAddress);
          queued.set(t, [...(queued.get(t) ?? []), ...[...raw.matchAll(/queued as (\S+)\r\n/g)].map((m) => m[1])]);
          await t.waitForEvent((e) => e.kind === 'disconnect', 10_000, from);
          results.push({ replies: createNormaliser().text(raw), log: smtpdLines(t, from) });
        }
        const [real, ref] = results;
        expect(ref.replies).toBe(real.replies);
        expect(ref.log).toEqual(real.log);
      });
    }
    it('delivers the accepted messages identically to the mailbox', async () => {
      const boxes: string[] = [];
      for (const t of targets) {
        for (const id of queued.get(t) ?? []) await t.waitForEvent((x) => x.kind === 'removed' && x.queueId === id, 20_000);
        const box = createNormaliser().text(await t.mailbox('nobody')).replace(/\b(?:[0-9A-F]{10,}|Q\d+)\b/g, '<qid>');
        // Parallel local deliveries may append in either order: compare the set of messages.
        boxes.push(box.split(/\n(?=From \S+ {2})/).map((m) => m.replace(/\n+$/, '')).sort().join('\n---\n'));
      }
      expect(boxes[1]).toBe(boxes[0]);
    });
  });
}

compareDialogs('smtpd: reference vs real Postfix 3.7.11', {}, DIALOGS);

const RELAY: Record<string, Step[]> = {
  'relay denied and unknown local user from outside mynetworks': [
    ['EHLO client.example\r\n', 1], ['MAIL FROM:<s@client.example>\r\n', 1], ['RCPT TO:<x@far.example>\r\n', 1],
    ['RCPT TO:<nosuch@mx.twinpost.test>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['RCPT TO:<nobody@[127.0.0.1]>\r\n', 1],
    ['VRFY x@far.example\r\n', 1], ['DATA\r\n', 1], ['Subject: r\r\n\r\nx\r\n.\r\n', 1], ['QUIT\r\n', 1],
  ],
};

compareDialogs('smtpd relay restrictions (compatibility 3.6 default: defer_unauth_destination)', { mynetworks: '127.0.0.2/32' }, RELAY);
compareDialogs('smtpd relay restrictions (reject_unauth_destination)', {
  mynetworks: '127.0.0.2/32', smtpd_relay_restrictions: 'permit_mynetworks, reject_unauth_destination',
}, RELAY);
compareDialogs('smtpd message content limits and quirks', { message_size_limit: '2000' }, {
  'message over message_size_limit': [
    ['EHLO c\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1],
    ['Subject: big\r\n\r\n' + 'y'.repeat(1000) + '\r\n' + 'z'.repeat(1100) + '\r\n.\r\n', 1], ['QUIT\r\n', 1],
  ],
  'From_ line and leading white space': [
    ['EHLO c\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1],
    ['>From someone Sat Nov 28\r\nSubject: q\r\n\r\nb\r\n.\r\n', 1],
    ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1],
    ['  folded start\r\nSubject: w\r\n\r\nb\r\n.\r\n', 1], ['QUIT\r\n', 1],
  ],
});
compareDialogs('smtpd_forbid_bare_newline = normalize', { smtpd_forbid_bare_newline: 'normalize', smtpd_forbid_bare_newline_exclusions: '' }, {
  'a dot after a bare LF does not end DATA': [
    ['EHLO c\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1],
    ['Subject: n\r\n\r\nline1\n.\r\nline2\r\n.\n', 0], ['more\r\n.\r\n', 1], ['QUIT\r\n', 1],
  ],
});
compareDialogs('smtpd_forbid_bare_newline = reject', { smtpd_forbid_bare_newline: 'reject', smtpd_forbid_bare_newline_exclusions: '' }, {
  'bare LF in DATA is rejected at the end': [
    ['EHLO c\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<nobody@mx.twinpost.test>\r\n', 1], ['DATA\r\n', 1],
    ['Subject: r\nX: y\r\n\r\nbody\r\n.\r\n', 1], ['QUIT\r\n', 1],
  ],
  'bare LF in a command ends the session': [['EHLO c\r\n', 1], ['MAIL FROM:<s@c>\n', 1]],
});
compareDialogs('smtpd client inside mynetworks on another loopback address', { mynetworks: '127.0.0.2/32' }, {
  'relay permitted for 127.0.0.2': [['HELO c\r\n', 1], ['MAIL FROM:<s@c>\r\n', 1], ['RCPT TO:<x@far.example>\r\n', 1], ['QUIT\r\n', 1]],
}, '127.0.0.2');
