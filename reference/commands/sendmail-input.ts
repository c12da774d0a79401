/**
 * What sendmail(1) makes of its input: RFC 822 address lists (command-line recipients, -f,
 * and the To/Cc/Bcc or Resent-* headers read with -t), stdin split into N/L records as
 * rec_streamlf_get() does, and the user's login and full name from the passwd file.
 * Used by ./sendmail.ts.
 */
import { readFileSync } from 'node:fs';
import { REC } from '../queue/records.ts';
import { internalize, scan, type Tok } from '../global/tok822.ts';

const LINE_LIMIT = 2048;

/** Split an RFC 822 address list (header value or command-line argument) into internal-form addresses. */
export function parseAddressList(text: string): string[] {
  const out: string[] = [];
  let piece: Tok[] = [];
  const flush = () => {
    const toks = piece.filter((t) => t.type !== 'comment');
    piece = [];
    if (toks.length === 0) return;
    const open = toks.findIndex((t) => t.type === '<');
    const close = toks.findIndex((t, i) => i > open && t.type === '>');
    out.push(internalize(open >= 0 && close > open ? toks.slice(open + 1, close) : toks));
  };
  let inAngle = false;
  for (const t of scan(text)) {
    if (t.type === '<') inAngle = true;
    if (t.type === '>') inAngle = false;
    if (!inAngle && (t.type === ',' || t.type === ';')) flush();
    else if (!inAngle && t.type === ':' && !piece.some((p) => p.type === '@')) piece = []; // group name
    else piece.push(t);
  }
  flush();
  return out;
}

export interface Passwd { name: string; gecos: string }
export function passwdEntry(uid: number): Passwd | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 5 && Number(f[2]) === uid) return { name: f[0], gecos: f[4] };
    }
  } catch { /* no passwd file */ }
  return undefined;
}

/** fullname(): $NAME, else the GECOS field up to the first comma, "&" = capitalised login name. */
export function fullName(pw: Passwd | undefined, env: Record<string, string | undefined>): string | undefined {
  if (env.NAME !== undefined) return env.NAME;
  if (!pw) return undefined;
  const g = pw.gecos.split(',')[0];
  const name = g.replace(/&/g, pw.name.charAt(0).toUpperCase() + pw.name.slice(1));
  return name || undefined;
}

/** stdin lines as sendmail reads them: [type, bytes] with N for complete lines and L for the rest. */
export function inputRecords(input: Buffer): { type: string; data: Buffer }[] {
  const out: { type: string; data: Buffer }[] = [];
  let pos = 0;
  while (pos < input.length) {
    const nl = input.indexOf(0x0a, pos);
    const end = nl < 0 ? input.length : nl;
    if (end - pos > LINE_LIMIT) {
      out.push({ type: REC.CONT, data: input.subarray(pos, pos + LINE_LIMIT) });
      pos += LINE_LIMIT;
      continue;
    }
    out.push({ type: nl < 0 ? REC.CONT : REC.NORM, data: input.subarray(pos, end) });
    pos = nl < 0 ? input.length : nl + 1;
  }
  return out;
}

/** To/Cc/Bcc (and Resent-*) recipients of the primary header block, for -t. */
export function headerRecipients(lines: string[]): string[] {
  const plain: string[] = [];
  const resent: string[] = [];
  const headers: string[] = [];
  for (const l of lines) {
    if (/^[ \t]/.test(l) && headers.length) headers[headers.length - 1] += `\n${l}`;
    else if (/^[\x21-\x39\x3b-\x7e]+:/.test(l)) headers.push(l);
    else break;
  }
  for (const h of headers) {
    const m = /^(resent-)?(to|cc|bcc):/i.exec(h);
    if (m) (m[1] ? resent : plain).push(...parseAddressList(h.slice(m[0].length)));
  }
  return resent.length ? resent : plain;
}
