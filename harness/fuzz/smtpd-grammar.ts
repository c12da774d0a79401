/**
 * Generated SMTP client sessions for the smtpd differential fuzzer (`twinpost fuzz smtpd`,
 * harness/fuzz/smtpd-campaign.ts): a fast-check arbitrary built from a grammar of SMTP
 * (RFC 5321 §4.1, with the extensions smtpd(8) announces: PIPELINING RFC 2920, SIZE RFC 1870,
 * 8BITMIME RFC 6152, DSN RFC 3461, SMTPUTF8 RFC 6531, CHUNKING RFC 3030).
 *
 * A session is a list of steps, each one write of the client (a command line, a pipelined group,
 * DATA and its content, a BDAT chunk) and how many replies that write should get. The grammar
 * mostly follows the protocol (EHLO, MAIL, RCPT…, DATA or BDAT, QUIT) so that messages get
 * through and their delivered bytes can be compared, and bends it everywhere: verbs in any case,
 * odd whitespace and line ends, broken ESMTP parameters, addresses that are quoted,
 * source-routed, %-hacked, bang paths, 8-bit, UTF-8, with NUL or overlong; message content with
 * bare CR, bare LF, NUL, 8-bit, lines starting with dots or "From ", long lines, MIME parts.
 *
 * Text is a byte string: one character per byte (latin1). UTF-8 is written as its bytes.
 *
 * Where mail can go (the fuzzer's configuration, smtpd-config.ts): recipients are in the relay
 * domain sink.test (delivered to a capture peer), the local user nobody (a mailbox), or refused
 * (unknown local users, other domains). Senders are in sink.test, so a bounce reaches the peer.
 * The well-formed sender and recipient local parts carry SESSION_TAG, which the player
 * replaces with a tag unique to each played session (see smtpd-pair.ts, why sessions cannot
 * see each other).
 */
import fc from 'fast-check';

/** Replaced by the session's own tag when a session is rendered; no byte string can hold it. */
export const SESSION_TAG = '\u0100';

/** The relay domain whose mail goes to the capture peer, and the local domain (config-dir.ts). */
export const SINK_DOMAIN = 'sink.test';
export const LOCAL_DOMAIN = 'mx.twinpost.test';

/** How many replies a write is expected to get (the player's estimate; see smtpd-player.ts). */
export type ReplyCount =
  /** One reply per LF-terminated line (smtpd reads a command up to LF, RFC 5321 §2.3.8). */
  | 'lines'
  /** Message content after DATA: one reply when the DATA got 354, else one per line. */
  | 'content'
  /** A BDAT command with its chunk: one reply (RFC 3030 §2). */
  | 'chunk';

export interface Write {
  bytes: string;
  replies: ReplyCount;
}

export type SessionStep =
  /** One or more command lines written at once (more than one: a pipelined group). */
  | { kind: 'commands'; lines: string[] }
  /** Commands pipelined before DATA (may be none), DATA itself, then the content with its end. */
  | { kind: 'data'; before: string[]; command: string; content: string }
  /** BDAT chunks; `sizeDelta` makes the announced size wrong. */
  | { kind: 'bdat'; chunks: { bytes: string; last: boolean; sizeDelta: number; verb: string }[] };

export interface FuzzSession {
  steps: SessionStep[];
  /** QUIT at the end, or hang up without it. */
  end: 'quit' | 'hangup';
}

/** UTF-8 text as a byte string. */
export const utf8 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

// ---- lexical variation -------------------------------------------------------------------

/** Line ends: mostly CRLF; a bare LF (smtpd accepts it, smtpd_forbid_bare_newline = no) or worse. */
const lineEnd = fc.oneof(
  { arbitrary: fc.constant('\r\n'), weight: 12 },
  { arbitrary: fc.constant('\n'), weight: 2 },
  { arbitrary: fc.constantFrom('\r\r\n', '\n\r\n', ' \r\n', '\t\r\n'), weight: 1 },
);

/** A verb in some case: as is, lower, or mixed letter by letter. */
function anyCase(verb: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(verb), weight: 6 },
    { arbitrary: fc.constant(verb.toLowerCase()), weight: 2 },
    { arbitrary: fc.array(fc.boolean(), { minLength: verb.length, maxLength: verb.length }).map((up) => [...verb].map((c, i) => (up[i] ? c.toUpperCase() : c.toLowerCase())).join('')), weight: 1 },
  );
}

/** Whitespace between tokens: usually one space. */
const gap = fc.oneof({ arbitrary: fc.constant(' '), weight: 10 }, { arbitrary: fc.constantFrom('  ', '\t', ' \t ', ''), weight: 1 });

/** Sometimes damage a finished line: a NUL, bare CR, bare LF or 8-bit byte at some position. */
function damaged(line: string): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constant(line), weight: 20 },
    {
      arbitrary: fc.tuple(fc.nat({ max: Math.max(0, line.length) }), fc.constantFrom('\0', '\r', '\n', '\xff', '\x80', '\x1b')).map(([at, b]) => line.slice(0, at) + b + line.slice(at)),
      weight: 1,
    },
  );
}

// ---- names and addresses ---------------------------------------------------------------------

const heloName = fc.oneof(
  { arbitrary: fc.constantFrom('client.example', 'CLIENT.Example', 'localhost', '[127.0.0.1]', 'outsider.example.'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      '', '[IPv6:::1]', '[300.1.1.1]', '127.0.0.1', 'a b', 'x\0y.example', 'h\xe9llo.example', utf8('bücher.example'),
      '-dash.example', 'under_score.example', '.', 'a'.repeat(300), 'a.'.repeat(200), '"quoted"', '<client.example>',
    ),
    weight: 3,
  },
);

/** Local parts of well-formed addresses, with the session's tag. */
const goodLocal = (prefix: string) => fc.constant(`${prefix}${SESSION_TAG}`);

/** Local parts bent in every way an address can be (RFC 5321 §4.1.2, RFC 6531 §3.3). */
const oddLocal = (prefix: string) =>
  fc.constantFrom(
    `"${prefix} ${SESSION_TAG}"`, `"${prefix}\\"${SESSION_TAG}"`, `${prefix}.${SESSION_TAG}.x`, `${prefix}+ext${SESSION_TAG}`,
    `${prefix}${SESSION_TAG}\xe9`, `${prefix}${SESSION_TAG}${utf8('ü')}`, `${prefix}${SESSION_TAG}${utf8('用户')}`, `${prefix}\0${SESSION_TAG}`,
    `${prefix}${SESSION_TAG}${'x'.repeat(70)}`, `${prefix}${SESSION_TAG}${'x'.repeat(300)}`, `${prefix}${SESSION_TAG}${'y'.repeat(2100)}`,
    `${prefix} ${SESSION_TAG}`, `${prefix}(comment)${SESSION_TAG}`, `.${prefix}${SESSION_TAG}`, `${prefix}..${SESSION_TAG}`, `${prefix}\r${SESSION_TAG}`,
    '', '""', `${prefix}<${SESSION_TAG}`,
  );

/** Routing forms (RFC 5321 §4.1.1.3 source routes, the %-hack, UUCP bang paths) around a base. */
function routed(local: string, domain: string): fc.Arbitrary<string> {
  return fc.constantFrom(
    `${local}@${domain}`,
    `@relay.example,@other.example:${local}@${domain}`,
    `@${LOCAL_DOMAIN}:${local}@${domain}`,
    `${local}%${domain}@${LOCAL_DOMAIN}`,
    `${local}%other.example@${domain}`,
    `${domain}!${local}@${LOCAL_DOMAIN}`,
    `other.example!${local}@${domain}`,
    `${domain}!${local}`,
    `"${local}@other.example"@${domain}`,
    `${local}@${domain}.`,
    `${local}@${domain.toUpperCase()}`,
    `${local}@[127.0.0.1]`,
    `${local}@${domain}@other.example`,
    `${local}`,
  );
}

const senderAddress = fc.oneof(
  { arbitrary: goodLocal('s').map((l) => `${l}@${SINK_DOMAIN}`), weight: 10 },
  { arbitrary: fc.constant(''), weight: 2 },
  { arbitrary: goodLocal('s').chain((l) => routed(l, SINK_DOMAIN)), weight: 2 },
  { arbitrary: oddLocal('s').map((l) => `${l}@${SINK_DOMAIN}`), weight: 3 },
  { arbitrary: fc.constantFrom(`s${SESSION_TAG}@${utf8('bücher.example')}`, `s${SESSION_TAG}@sink\xe9.test`, `s${SESSION_TAG}@`, `@${SINK_DOMAIN}`, `s${SESSION_TAG}@-x.test`), weight: 1 },
);

/** Recipients: the peer (relay domain), the local mailbox, refused ones, and bent forms. */
const recipientAddress = fc.oneof(
  { arbitrary: goodLocal('r').map((l) => `${l}@${SINK_DOMAIN}`), weight: 10 },
  { arbitrary: fc.constantFrom(`nobody@${LOCAL_DOMAIN}`, 'nobody', `NoBody@${LOCAL_DOMAIN}`, `nobody@localhost`), weight: 4 },
  { arbitrary: fc.constantFrom(`nosuch${SESSION_TAG}@${LOCAL_DOMAIN}`, `r${SESSION_TAG}@elsewhere.example`, 'postmaster', `postmaster@${LOCAL_DOMAIN}`), weight: 2 },
  { arbitrary: goodLocal('r').chain((l) => routed(l, SINK_DOMAIN)), weight: 3 },
  { arbitrary: fc.constantFrom(`nobody%${LOCAL_DOMAIN}@${LOCAL_DOMAIN}`, `${LOCAL_DOMAIN}!nobody`, `@${SINK_DOMAIN}:nobody@${LOCAL_DOMAIN}`, `"nobody"@${LOCAL_DOMAIN}`), weight: 1 },
  { arbitrary: oddLocal('r').map((l) => `${l}@${SINK_DOMAIN}`), weight: 3 },
);

/** How an address sits in MAIL FROM:/RCPT TO: — in angle brackets, or not quite. */
function framed(address: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: address.map((a) => `<${a}>`), weight: 12 },
    { arbitrary: address.map((a) => a), weight: 1 },
    { arbitrary: address.chain((a) => fc.constantFrom(`< ${a} >`, `<${a}`, `${a}>`, `<<${a}>>`, `<${a}> `, `"<${a}>"`, `<${a}>x`)), weight: 1 },
  );
}

// ---- ESMTP parameters (RFC 1870, 6152, 3461, 6531, 4954) ------------------------------------

/** xtext (RFC 3461 §4): "+" and hex for bytes outside 33..126, "+" and "=". */
export function xtext(s: string): string {
  return [...s].map((c) => (c < '!' || c > '~' || c === '+' || c === '=' ? `+${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}` : c)).join('');
}

const mailParam = fc.oneof(
  { arbitrary: fc.constantFrom('SIZE=100', 'SIZE=0', 'SIZE=5000', 'size=200', 'SIZE=999999999', 'SIZE=99999999999999999999', 'SIZE=abc', 'SIZE=', 'SIZE=-1', 'SIZE'), weight: 3 },
  { arbitrary: fc.constantFrom('BODY=7BIT', 'BODY=8BITMIME', 'body=8bitmime', 'BODY=BINARYMIME', 'BODY=FOO', 'BODY='), weight: 3 },
  { arbitrary: fc.constantFrom('RET=FULL', 'RET=HDRS', 'ret=hdrs', 'RET=BOTH', 'RET='), weight: 2 },
  {
    arbitrary: fc.oneof(
      fc.constantFrom('abc123', 'a+2Bb', '+41+42', '+ZZ', '+4', 'a+', 'x'.repeat(120), 'x'.repeat(200), 'a=b', utf8('ü'), 'a\xe9', '').map((v) => `ENVID=${v}`),
      fc.string({ maxLength: 12 }).map((s) => `ENVID=${xtext(s)}`),
    ),
    weight: 2,
  },
  { arbitrary: fc.constantFrom('SMTPUTF8', 'smtputf8', 'SMTPUTF8=yes'), weight: 2 },
  { arbitrary: fc.constantFrom('AUTH=<>', `AUTH=s${SESSION_TAG}@${SINK_DOMAIN}`, 'AUTH=+ZZ', 'XFOO=bar', 'FOO', '=x', 'NOTIFY=NEVER'), weight: 1 },
);

const rcptParam = fc.oneof(
  { arbitrary: fc.constantFrom('NOTIFY=NEVER', 'NOTIFY=SUCCESS', 'NOTIFY=SUCCESS,FAILURE,DELAY', 'notify=delay', 'NOTIFY=NEVER,SUCCESS', 'NOTIFY=BOGUS', 'NOTIFY=', 'NOTIFY=FAILURE,FAILURE'), weight: 3 },
  {
    arbitrary: fc.oneof(
      fc.constantFrom(
        `rfc822;o${SESSION_TAG}@${SINK_DOMAIN}`, `RFC822;o${SESSION_TAG}+40x`, 'rfc822;+ZZ', 'rfc822;', 'rfc822', 'x-foo;abc', `utf-8;${utf8('ü')}@x`,
        `utf-8;o\\x{FC}@x`, ';abc', 'rfc822;a b', `rfc822;${'o'.repeat(600)}`,
      ).map((v) => `ORCPT=${v}`),
      fc.string({ maxLength: 12 }).map((s) => `ORCPT=rfc822;${xtext(s)}`),
    ),
    weight: 3,
  },
  { arbitrary: fc.constantFrom('XFOO=1', 'SIZE=10', 'BODY=8BITMIME', '=', 'FOO'), weight: 1 },
);

/** "MAIL FROM:" with the verb's case and the whitespace varied (RFC 5321 §4.1.1.2). */
const mailVerb = fc.tuple(anyCase('MAIL'), gap, anyCase('FROM:'), fc.constantFrom('', '', '', ' ')).map(([v, g, f, after]) => `${v}${g || ' '}${f}${after}`);
const rcptVerb = fc.tuple(anyCase('RCPT'), gap, anyCase('TO:'), fc.constantFrom('', '', '', ' ')).map(([v, g, t, after]) => `${v}${g || ' '}${t}${after}`);

function withParams(head: fc.Arbitrary<string>, address: fc.Arbitrary<string>, param: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(head, framed(address), fc.array(fc.tuple(gap, param), { maxLength: 3 })).map(([h, a, ps]) => `${h}${a}${ps.map(([g, p]) => `${g || ' '}${p}`).join('')}`);
}

/** One command line with its line end (and, now and then, a damaged byte). */
const line = (text: fc.Arbitrary<string>) => fc.tuple(text, lineEnd).chain(([t, e]) => damaged(t).map((d) => d + e));

const mailLine = line(withParams(mailVerb, senderAddress, mailParam));
const rcptLine = line(withParams(rcptVerb, recipientAddress, rcptParam));

const heloLine = line(fc.tuple(fc.oneof({ arbitrary: anyCase('EHLO'), weight: 4 }, { arbitrary: anyCase('HELO'), weight: 1 }), gap, heloName).map(([v, g, n]) => `${v}${n === '' ? '' : g || ' '}${n}`));

/** Commands besides the transaction's (RFC 5321 §4.1.1.5–10) and what smtpd refuses outright. */
const otherLine = line(
  fc.oneof(
    { arbitrary: fc.tuple(anyCase('NOOP'), fc.constantFrom('', ' hello', ' ' + 'x'.repeat(3000))).map(([v, a]) => v + a), weight: 3 },
    { arbitrary: fc.tuple(anyCase('RSET'), fc.constantFrom('', ' x')).map(([v, a]) => v + a), weight: 3 },
    { arbitrary: fc.tuple(anyCase('VRFY'), fc.constantFrom(' nobody', ` nosuch${SESSION_TAG}`, ` <nobody@${LOCAL_DOMAIN}>`, '')).map(([v, a]) => v + a), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        'HELP', 'EXPN nobody', `ETRN ${SINK_DOMAIN}`, 'ETRN', 'STARTTLS', 'AUTH PLAIN AGZvbwBiYXI=', 'XCLIENT NAME=x', 'XFORWARD NAME=x', 'TURN', 'BLAH', '',
        ' MAIL FROM:<x@y>', 'MAIL', 'RCPT', 'MAIL FROM:', 'RCPT TO:', 'DATA x', 'BDAT', 'BDAT x', 'QUIT now', 'A'.repeat(3000), 'GET / HTTP/1.0',
      ),
      weight: 2,
    },
  ),
);

// ---- message content ---------------------------------------------------------------------------

/** A header line (without its line end), well-formed or not (RFC 5322 §2.2, §3.6). */
const headerLine = fc.oneof(
  {
    arbitrary: fc.constantFrom(
      `From: s${SESSION_TAG}@${SINK_DOMAIN}`, `To: r${SESSION_TAG}@${SINK_DOMAIN}`, 'Subject: fuzz', `Subject: ${utf8('grüße')}`, 'Subject: caf\xe9',
      'Subject: =?utf-8?q?gr=C3=BC=C3=9Fe?=', 'Date: Mon, 7 Dec 2026 10:00:00 +0000', `Message-ID: <m${SESSION_TAG}@client.example>`, 'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8', 'Content-Type: multipart/mixed; boundary="b1"', 'Content-Transfer-Encoding: 8bit',
      'Content-Transfer-Encoding: quoted-printable', 'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: binary',
      `Bcc: r${SESSION_TAG}@${SINK_DOMAIN}`, 'Return-Path: <x@y>', `Delivered-To: nobody@${LOCAL_DOMAIN}`, 'Received: from a by b; Mon, 7 Dec 2026 10:00:00 +0000',
      `Resent-From: s${SESSION_TAG}@${SINK_DOMAIN}`,
    ),
    weight: 10,
  },
  {
    arbitrary: fc.constantFrom(
      'X-Fold: first\r\n\tsecond', 'X-Fold: first\r\n second\r\n  third', 'X-Nul: a\0b', 'X-CR: a\rb', 'X-Eight: \xff\xfe', 'no colon here', ': empty name',
      'X-Empty:', 'X Space: y', `X-Long: ${'h'.repeat(1100)}`, `X-Longer: ${'h'.repeat(5000)}`, 'From someone@example Mon Dec  7 10:00:00 2026', '>From x',
      'X-Tab:\tvalue', `X-UTF8-${utf8('ß')}: v`,
    ),
    weight: 3,
  },
);

/** A body line (without its line end). */
const bodyLine = fc.oneof(
  { arbitrary: fc.constantFrom('hello', '', 'body text', 'a line with trailing space ', '\tindented'), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      '.leading dot', '..two dots', '...', 'From me@example Mon Dec  7 10:00:00 2026', 'From x', '>From x', 'a\rb', 'a\rb\r', '\r', 'nul\0byte', '\0',
      'eight \xe9\xff', utf8('utf-8 grüße 用户'), 'x'.repeat(999), 'y'.repeat(1500), 'z'.repeat(5000), '--b1', 'Content-Type: text/plain', '--b1--',
      'QUIT', 'RSET', `MAIL FROM:<x${SESSION_TAG}@${SINK_DOMAIN}>`, '.\r', ' .', '. ', '.\0',
    ),
    weight: 3,
  },
);

const contentLine = (l: fc.Arbitrary<string>) => fc.tuple(l, lineEnd).map(([t, e]) => t + e);

/** The end of message content (RFC 5321 §4.1.1.4): CRLF.CRLF, or what smtpd also takes as one. */
const dataEnd = fc.oneof(
  { arbitrary: fc.constant('.\r\n'), weight: 14 },
  { arbitrary: fc.constantFrom('.\n', '.\r\r\n'), weight: 1 },
);

/**
 * Headers, an empty line (or none), body lines, and the end. A line that is just "." (with any
 * line end) would end the content early, so it is sent dot-stuffed, except ".\r" which is
 * exactly one of the questions (does smtpd see ".\r\r\n" as the end?).
 */
const messageContent = fc
  .tuple(
    fc.array(contentLine(headerLine), { maxLength: 6 }),
    fc.oneof({ arbitrary: contentLine(fc.constant('')), weight: 8 }, { arbitrary: fc.constant(''), weight: 1 }),
    fc.array(contentLine(bodyLine), { maxLength: 8 }),
    dataEnd,
  )
  .map(([headers, sep, body, end]) => {
    const lines = [...headers, sep, ...body].map((l) => (/^\.(\r?\n|\r\r\n)$/.test(l) ? `.${l}` : l));
    const text = lines.join('');
    // the end must start a line: after content that does not end in LF, a CRLF first
    return text === '' || text.endsWith('\n') ? text + end : `${text}\r\n${end}`;
  });

const dataCommand = line(fc.tuple(anyCase('DATA'), fc.constantFrom('', '', '', ' ', ' x')).map(([v, a]) => v + a));

// ---- steps and sessions -------------------------------------------------------------------------

/** MAIL, some RCPTs: written one by one or pipelined (RFC 2920). */
const envelope = fc.tuple(mailLine, fc.array(rcptLine, { minLength: 1, maxLength: 3 }), fc.boolean());

const dataTransaction: fc.Arbitrary<SessionStep[]> = fc.tuple(envelope, dataCommand, messageContent).map(([[mail, rcpts, pipelined], command, content]) =>
  pipelined
    ? [{ kind: 'data', before: [mail, ...rcpts], command, content }]
    : [{ kind: 'commands', lines: [mail] }, ...rcpts.map((r): SessionStep => ({ kind: 'commands', lines: [r] })), { kind: 'data', before: [], command, content }],
);

/** A BDAT chunk (RFC 3030 §2): its bytes are content, not commands, whatever they look like. */
const chunkBytes = fc.oneof(
  { arbitrary: messageContent.map((c) => c.slice(0, c.length - 3)), weight: 4 },
  { arbitrary: fc.constantFrom('', '\r\n', 'RSET\r\nMAIL FROM:<x@y>\r\nRCPT TO:<nobody>\r\nDATA\r\n', '.\r\n', 'bare\nlf\rcr\0nul\xff', 'no line end'), weight: 2 },
);

const bdatChunk = fc.tuple(chunkBytes, fc.oneof({ arbitrary: fc.constant(0), weight: 10 }, { arbitrary: fc.constantFrom(-1, 1, 5), weight: 1 }), anyCase('BDAT'));

const bdatTransaction: fc.Arbitrary<SessionStep[]> = fc
  .tuple(envelope, fc.array(bdatChunk, { minLength: 1, maxLength: 3 }), fc.oneof({ arbitrary: fc.constant(true), weight: 6 }, { arbitrary: fc.constant(false), weight: 1 }))
  .map(([[mail, rcpts], chunks, endsWithLast]) => [
    { kind: 'commands', lines: [mail, ...rcpts] },
    { kind: 'bdat', chunks: chunks.map(([bytes, sizeDelta, verb], i) => ({ bytes, sizeDelta, verb, last: endsWithLast && i === chunks.length - 1 })) },
  ]);

const noise: fc.Arbitrary<SessionStep[]> = fc.oneof(
  { arbitrary: otherLine.map((l): SessionStep[] => [{ kind: 'commands', lines: [l] }]), weight: 3 },
  { arbitrary: fc.array(fc.oneof(otherLine, mailLine, rcptLine), { minLength: 2, maxLength: 4 }).map((lines): SessionStep[] => [{ kind: 'commands', lines }]), weight: 1 },
  { arbitrary: fc.oneof(mailLine, rcptLine, heloLine).map((l): SessionStep[] => [{ kind: 'commands', lines: [l] }]), weight: 1 },
);

const block = fc.oneof({ arbitrary: dataTransaction, weight: 5 }, { arbitrary: bdatTransaction, weight: 2 }, { arbitrary: noise, weight: 3 });

/** A whole session: usually EHLO/HELO first, a few blocks, then QUIT (or a hang-up). */
export const smtpSessionArb: fc.Arbitrary<FuzzSession> = fc
  .record({
    greet: fc.oneof({ arbitrary: heloLine.map((l) => [l]), weight: 12 }, { arbitrary: fc.constant([] as string[]), weight: 1 }),
    blocks: fc.array(block, { minLength: 1, maxLength: 4 }),
    end: fc.oneof({ arbitrary: fc.constant('quit' as const), weight: 8 }, { arbitrary: fc.constant('hangup' as const), weight: 1 }),
  })
  .map(({ greet, blocks, end }) => ({ steps: [...greet.map((l): SessionStep => ({ kind: 'commands', lines: [l] })), ...blocks.flat()], end }));

// ---- rendering --------------------------------------------------------------------------------

const withTag = (s: string, tag: string) => s.split(SESSION_TAG).join(tag);

/** The writes of a session, with `tag` in place of SESSION_TAG (BDAT sizes counted after that). */
export function renderSession(session: FuzzSession, tag: string): Write[] {
  const out: Write[] = [];
  for (const step of session.steps) {
    if (step.kind === 'commands') {
      out.push({ bytes: withTag(step.lines.join(''), tag), replies: 'lines' });
    } else if (step.kind === 'data') {
      out.push({ bytes: withTag([...step.before, step.command].join(''), tag), replies: 'lines' });
      out.push({ bytes: withTag(step.content, tag), replies: 'content' });
    } else {
      for (const c of step.chunks) {
        const bytes = withTag(c.bytes, tag);
        const size = Math.max(0, bytes.length + c.sizeDelta);
        out.push({ bytes: `${c.verb} ${size}${c.last ? ' LAST' : ''}\r\n${bytes}`, replies: 'chunk' });
      }
    }
  }
  if (session.end === 'quit') out.push({ bytes: 'QUIT\r\n', replies: 'lines' });
  return out;
}

/** The tag of the n-th session a process plays: letters only, so it is a plain atom anywhere. */
export function sessionTag(n: number): string {
  let s = '';
  let v = n;
  do {
    s = String.fromCharCode(97 + (v % 26)) + s;
    v = Math.floor(v / 26);
  } while (v > 0);
  return `z${s}`;
}
