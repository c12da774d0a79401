/**
 * sendmail(1) for the reference MTA: `twinpost sendmail -C CONFIG_DIR [options] rcpt...`.
 *
 * What Postfix's sendmail does in enqueue mode (src/sendmail/sendmail.c), then hands the
 * records to the reference postdrop (./postdrop.ts), which writes maildrop/QID and pokes pickup:
 *   [A envelope_id] (-V), [A ret_flags] (-R full|hdrs), A rewrite_context=local (-G: remote), F full name (-F, else $NAME, else the passwd GECOS
 *   field), S sender (-f/-r parsed as an RFC 822 address list, first address, internal form;
 *   default: the login name), [A encoding] (-B 7BIT|8BITMIME), [A trace_flags] (-bv: 512), [V] (-XV),
 *   per recipient [A notify_flags] (-N) R — each argument parsed as an address list ("a, b",
 *   "Name <a>"), an argument without any address gives an empty R — then M, the content as
 *   N/L records (a leading "From " line dropped, CR stripped per sendmail_fix_line_endings,
 *   input ends at a lone "." unless -i/-oi), X, the -t recipients (To/Cc/Bcc, or only the
 *   Resent- ones when there are any) as R records, E.
 * -bv writes a probe message ("From:", "Subject: probe", "To:") and prints
 * "Mail Delivery Status Report will be mailed to <sender>."; -bp lists the queue and -q
 * flushes it (./postqueue.ts).
 * Errors are reported as "sendmail: fatal: ..." on stderr. Real Postfix 3.7.11 exits 75
 * (EX_TEMPFAIL) after every fatal error — usage errors, a missing main.cf and "no recipients"
 * included — because its run-time error handler overrides the status; this does the same.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadMainCf } from '../config/index.ts';
import { QueueLayout } from '../queue/layout.ts';
import { REC } from '../queue/records.ts';
import { internalize, scan, type Tok } from '../services/trivial-rewrite/tok822.ts';
import { postdrop, type DropRecord } from './postdrop.ts';
import { masterPid, postqueueCommand } from './postqueue.ts';
import { createFileLogger } from '../services/postlogd/postlogd.ts';

export interface CommandIo {
  stdin?: Buffer | string;
  /** Real uid of the submitting user (default: this process's). */
  uid?: number;
  env?: Record<string, string | undefined>;
}

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const EX_TEMPFAIL = 75;
const GETOPT_LIST = 'A:B:C:F:GIL:N:O:R:UV:X:b:ce:f:h:imno:p:r:q:tvx';
const USR_VRFY = 512;
const LINE_LIMIT = 2048;

class Fatal extends Error {}

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

/** getopt(3) with a leading "+": options stop at the first non-option argument. */
function* getopt(argv: string[], spec: string, err: (m: string) => void): Generator<{ opt: string; arg?: string } | { rest: string[] }> {
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') { i++; break; }
    if (!a.startsWith('-') || a === '-') break;
    for (let j = 1; j < a.length; j++) {
      const c = a[j];
      const at = spec.indexOf(c);
      if (c === ':' || at < 0) {
        err(`invalid option -- '${c}'`);
        yield { opt: '?' };
        continue;
      }
      if (spec[at + 1] !== ':') {
        yield { opt: c };
        continue;
      }
      let arg = a.slice(j + 1);
      if (!arg) {
        if (i + 1 >= argv.length) {
          err(`option requires an argument -- '${c}'`);
          yield { opt: '?' };
          break;
        }
        arg = argv[++i];
      }
      yield { opt: c, arg };
      break;
    }
  }
  yield { rest: argv.slice(i) };
}

interface Passwd { name: string; gecos: string }
function passwdEntry(uid: number): Passwd | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length >= 5 && Number(f[2]) === uid) return { name: f[0], gecos: f[4] };
    }
  } catch { /* no passwd file */ }
  return undefined;
}

/** fullname(): $NAME, else the GECOS field up to the first comma, "&" = capitalised login name. */
function fullName(pw: Passwd | undefined, env: Record<string, string | undefined>): string | undefined {
  if (env.NAME !== undefined) return env.NAME;
  if (!pw) return undefined;
  const g = pw.gecos.split(',')[0];
  const name = g.replace(/&/g, pw.name.charAt(0).toUpperCase() + pw.name.slice(1));
  return name || undefined;
}

/** stdin lines as sendmail reads them: [type, bytes] with N for complete lines and L for the rest. */
function inputRecords(input: Buffer): { type: string; data: Buffer }[] {
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
function headerRecipients(lines: string[]): string[] {
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

interface Options {
  configDir: string;
  sender?: string;
  fullName?: string;
  context: 'local' | 'remote';
  encoding?: string;
  notify: number;
  extract: boolean;
  dotEnds: boolean;
  traceFlags: number;
  ret: number;
  envid?: string;
  verp?: string;
  mode: 'enqueue' | 'mailq' | 'flush';
  recipients: string[];
}

const NOTIFY: Record<string, number> = { never: 1, success: 2, failure: 4, delay: 8 };

function parseOptions(argv: string[], env: Record<string, string | undefined>, getoptErr: (m: string) => void, err: (m: string) => void): Options {
  const o: Options = {
    configDir: env.MAIL_CONFIG ?? '/etc/postfix', context: 'local', notify: 0, extract: false, dotEnds: true,
    traceFlags: 0, ret: 0, mode: 'enqueue', recipients: [],
  };
  let usage = false;
  // "-q" alone is not getopt-compatible; "-V xy" and "-Vxy" are the old spellings of -XV
  // (as in sendmail.c, "-V xy" becomes "-XV" and "xy" stays where it is).
  const args = argv.map((a, k) => {
    if (a === '-q') return '-q0';
    if (a === '-V' && argv[k + 1]?.length === 2) {
      err('warning: option -V is deprecated with Postfix 2.3; specify -XV instead');
      return '-XV';
    }
    if (/^-V..$/.test(a)) {
      err(`warning: option ${a} is deprecated with Postfix 2.3; specify -X${a.slice(1)} instead`);
      return `-X${a.slice(1)}`;
    }
    return a;
  });
  for (const r of getopt(args, GETOPT_LIST, getoptErr)) {
    if ('rest' in r) {
      o.recipients = r.rest;
      break;
    }
    const { opt, arg = '' } = r;
    switch (opt) {
      case '?': usage = true; break;
      case 'C': o.configDir = arg.endsWith('/main.cf') ? dirname(arg) : arg; break;
      case 'n': throw new Fatal(`-n option not supported`);
      case 'B':
        if (arg === '8BITMIME') o.encoding = '8bit';
        else if (arg === '7BIT') o.encoding = '7bit';
        else throw new Fatal('-B option needs 8BITMIME or 7BIT');
        break;
      case 'F': o.fullName = arg; break;
      case 'G': o.context = 'remote'; break;
      case 'N': {
        const words = arg.toLowerCase().split(/[\s,]+/).filter(Boolean);
        o.notify = words.every((w) => w in NOTIFY) ? words.reduce((m, w) => m | NOTIFY[w], 0) : 0;
        if (!o.notify || (o.notify & 1 && o.notify !== 1)) {
          o.notify = 0;
          err('warning: bad -N option value -- ignored');
        }
        break;
      }
      case 'X': {
        if (arg[0] !== 'V') throw new Fatal(`unsupported: -X${arg[0] ?? ''}`);
        const delims = arg.slice(1) || '+=';
        if (delims.length !== 2 || [...delims].some((c) => !'-=+'.includes(c))) throw new Fatal('-V requires two characters from -=+');
        o.verp = delims;
        break;
      }
      case 'R':
        o.ret = ({ full: 1, hdrs: 2 } as Record<string, number>)[arg.toLowerCase()] ?? 0;
        if (!o.ret) err('warning: bad -R option value -- ignored');
        break;
      case 'V':
        if (arg.length > 100) err('warning: too long -V option value -- ignored');
        else if (!/^[\x20-\x7e]*$/.test(arg)) err('warning: bad syntax in -V option value -- ignored');
        else o.envid = arg;
        break;
      case 'b':
        if (arg[0] === 'v') o.traceFlags |= USR_VRFY;
        else if (arg[0] === 'p') o.mode = 'mailq';
        else if (arg[0] !== 'm') throw new Fatal(`unsupported: -b${arg[0] ?? ''}`);
        break;
      case 'f': case 'r': o.sender = arg; break;
      case 'i': o.dotEnds = false; break;
      case 'o': if (arg[0] === 'i') o.dotEnds = false; break;
      case 'q':
        if (/^\d/.test(arg)) o.mode = 'flush';
        else throw new Fatal(`-q${arg[0] ?? ''} is not implemented`);
        break;
      case 't': o.extract = true; break;
      default: break; // accepted and ignored, as sendmail does
    }
  }
  if (usage) throw new Fatal('usage: sendmail [options]');
  if (o.extract && o.mode !== 'enqueue') throw new Fatal('-t can be used only in delivery mode');
  if (o.traceFlags & USR_VRFY) {
    if (o.extract) throw new Fatal('-t option cannot be used with -bv');
    if (o.notify) throw new Fatal('-N option cannot be used with -bv');
    if (o.ret) throw new Fatal('-R option cannot be used with -bv');
  }
  o.configDir = resolve(o.configDir);
  return o;
}

/** Run sendmail; never throws for user errors (they become exit 75 with a message). */
export async function sendmailCommand(argv: string[], io: CommandIo = {}): Promise<CommandResult> {
  const env = io.env ?? process.env;
  let stdout = '';
  let stderr = '';
  // Warnings and fatal errors also go to the maillog once main.cf is read (msg_* → maillog);
  // getopt's complaints only to stderr.
  const logged: { severity: 'warning' | 'fatal'; program: string; text: string }[] = [];
  let config: ReturnType<typeof loadMainCf> | undefined;
  const getoptErr = (m: string) => (stderr += `sendmail: ${m}\n`);
  const err = (m: string) => {
    stderr += `sendmail: ${m}\n`;
    if (m.startsWith('warning: ')) logged.push({ severity: 'warning', program: 'sendmail', text: m.slice(9) });
  };
  try {
    // sendmail reads its options twice (first only for -C, then main.cf, then all), so
    // getopt complaints usually appear twice.
    const firstDir = configDirOf(argv, env, getoptErr);
    if (existsSync(join(firstDir, 'main.cf'))) config = loadMainCf(firstDir);
    const o = parseOptions(argv, env, getoptErr, err);
    const mainCf = join(o.configDir, 'main.cf');
    if (!existsSync(mainCf)) throw new Fatal(`open ${mainCf}: No such file or directory`);
    if (o.mode !== 'enqueue') {
      const r = await postqueueCommand(['-c', o.configDir, o.mode === 'mailq' ? '-p' : '-f']);
      // sendmail -bp / -q exec postqueue: its messages keep the "postqueue:" prefix.
      return { code: r.code, stdout: r.stdout, stderr: stderr + r.stderr };
    }
    config ??= loadMainCf(o.configDir);
    const uid = io.uid ?? process.getuid?.() ?? 0;
    const pw = passwdEntry(uid);
    let sender: string;
    if (o.sender !== undefined) {
      const addrs = parseAddressList(o.sender);
      if (addrs.length > 1) err(`warning: -f option specified malformed sender: ${o.sender}`);
      sender = addrs[0] ?? '';
    } else {
      if (!pw) throw new Fatal(`no login name found for user ID ${uid}`);
      sender = pw.name;
    }
    const who = `${sender}(${uid})`;
    const input = Buffer.isBuffer(io.stdin) ? io.stdin : Buffer.from(io.stdin ?? '', 'latin1');

    const records: DropRecord[] = [];
    const rcpt = (addr: string) => {
      if (o.notify) records.push({ type: REC.ATTR, data: `notify_flags=${o.notify}` });
      records.push({ type: REC.RCPT, data: addr });
    };
    if (o.envid !== undefined) records.push({ type: REC.ATTR, data: `envelope_id=${o.envid}` });
    if (o.ret) records.push({ type: REC.ATTR, data: `ret_flags=${o.ret}` });
    records.push({ type: REC.ATTR, data: `rewrite_context=${o.context}` });
    const full = o.fullName ?? fullName(pw, env);
    if (full !== undefined) records.push({ type: REC.FULL, data: full });
    records.push({ type: REC.FROM, data: sender });
    if (o.encoding) records.push({ type: REC.ATTR, data: `encoding=${o.encoding}` });
    if (o.verp && !sender) throw new Fatal(`${sender}(${uid}): -V option requires non-null sender address`);
    if (o.traceFlags) records.push({ type: REC.ATTR, data: `trace_flags=${o.traceFlags}` });
    if (o.verp) records.push({ type: REC.VERP, data: o.verp });
    let count = 0;
    for (const arg of o.recipients) {
      const addrs = parseAddressList(arg);
      for (const a of addrs) rcpt(a);
      if (addrs.length === 0) records.push({ type: REC.RCPT, data: '' }); // no notify_flags for this one
      count += Math.max(1, addrs.length);
    }
    records.push({ type: REC.MESG });
    const content: { type: string; data: Buffer }[] = [];
    if (o.traceFlags & USR_VRFY) {
      if (sender) content.push({ type: REC.NORM, data: Buffer.from(`From: ${sender}`) });
      content.push({ type: REC.NORM, data: Buffer.from('Subject: probe') });
      if (o.recipients.length) {
        content.push({ type: REC.CONT, data: Buffer.from('To:') });
        o.recipients.forEach((r, k) => content.push({ type: REC.NORM, data: Buffer.from(`\t${r}${k + 1 < o.recipients.length ? ',' : ''}`) }));
      }
    } else {
      const fix = config.get('sendmail_fix_line_endings');
      if (!['always', 'strict', 'never'].includes(fix)) throw new Fatal(`invalid sendmail_fix_line_endings value: ${fix}`);
      let stripCr: boolean | undefined = fix === 'always' ? true : fix === 'never' ? false : undefined;
      let skipFrom = true;
      let prev = '';
      for (const r of inputRecords(input)) {
        if (stripCr === undefined && r.type === REC.NORM) stripCr = r.data.at(-1) === 0x0d;
        if (skipFrom) {
          if (r.type === REC.NORM && /^>*From /.test(r.data.toString('latin1'))) continue;
          skipFrom = false;
        }
        let data = r.data;
        if (stripCr && r.type === REC.NORM) while (data.at(-1) === 0x0d) data = data.subarray(0, -1);
        if (o.dotEnds && prev !== REC.CONT && data.length === 1 && data[0] === 0x2e) break;
        content.push({ type: r.type, data });
        prev = r.type;
      }
    }
    records.push(...content, { type: REC.XTRA });
    if (o.extract) {
      const lines: string[] = [];
      let line = '';
      for (const c of content) {
        line += c.data.toString('latin1');
        if (c.type === REC.NORM) { lines.push(line); line = ''; }
      }
      for (const a of headerRecipients(lines)) { rcpt(a); count++; }
    }
    if (count === 0) {
      throw new Fatal(o.extract ? `${who}: No recipient addresses found in message header`
        : `${who}: Recipient addresses must be specified on the command line or via the -t option`);
    }
    const layout = new QueueLayout(config.get('queue_directory'), { hashQueueNames: config.list('hash_queue_names'), hashQueueDepth: config.int('hash_queue_depth') });
    const r = await postdrop({
      layout, records, longQueueIds: config.bool('enable_long_queue_ids'),
      uid,
      stderr: (line) => {
        stderr += `${line}\n`;
        const w = /^postdrop: warning: (.*)$/.exec(line);
        if (w) logged.push({ severity: 'warning', program: 'postdrop', text: w[1] });
      },
    });
    if (r.status !== 0) throw new Fatal(`${who}: ${r.reason}`);
    if (o.traceFlags) stdout += `Mail Delivery Status Report will be mailed to <${sender}>.\n`;
    return { code: 0, stdout, stderr };
  } catch (e) {
    const text = e instanceof Fatal ? e.message : `${(e as Error).message}`;
    logged.push({ severity: 'fatal', program: 'sendmail', text });
    return { code: EX_TEMPFAIL, stdout, stderr: `${stderr}sendmail: fatal: ${text}\n` };
  } finally {
    logToMaillog(config, logged);
  }
}

/** sendmail's first option pass: only -C counts (getopt still complains). */
function configDirOf(argv: string[], env: Record<string, string | undefined>, getoptErr: (m: string) => void): string {
  let dir = env.MAIL_CONFIG ?? '/etc/postfix';
  for (const r of getopt(argv.map((a) => (a === '-q' ? '-q0' : a)), GETOPT_LIST, getoptErr)) {
    if ('rest' in r) break;
    if (r.opt === 'C' && r.arg) dir = r.arg;
  }
  return resolve(dir.endsWith('/main.cf') ? dirname(dir) : dir);
}

/**
 * Write sendmail's and postdrop's warnings and fatal errors to $maillog_file, as Postfix's msg_*
 * do through postlogd — only while the mail system (its postlogd) runs; otherwise they are lost,
 * as with Postfix.
 */
function logToMaillog(config: ReturnType<typeof loadMainCf> | undefined, logged: { severity: 'warning' | 'fatal'; program: string; text: string }[]): void {
  const path = config?.get('maillog_file');
  if (!config || !path || logged.length === 0 || !masterPid(config.get('queue_directory'))) return;
  const logger = createFileLogger({ path, myhostname: config.get('myhostname'), syslogName: config.get('syslog_name') });
  for (const l of logged) logger[l.severity](l.program, l.text);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** `twinpost sendmail ...`: reads the message from stdin; returns the exit status. */
export async function sendmailMain(argv: string[]): Promise<number> {
  if (argv[0] === '--help' || argv[0] === '-h') {
    console.log('usage: twinpost sendmail -C CONFIG_DIR [-f sender] [-F fullname] [-t] [-i|-oi] [-bv] [-N notify] [-B 7BIT|8BITMIME] rcpt...\n' +
      '  submit the message on stdin to the reference MTA (maildrop/ → pickup), as Postfix sendmail(1) does;\n' +
      '  -bp lists the queue, -q flushes it; errors exit 75 as Postfix 3.7 does.');
    return 0;
  }
  const r = await sendmailCommand(argv, { stdin: await readStdin() });
  process.stdout.write(r.stdout);
  process.stderr.write(r.stderr);
  return r.code;
}
