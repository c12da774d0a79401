/**
 * sendmail(1) for the reference MTA: `twinpost sendmail -C CONFIG_DIR [options] rcpt...`.
 *
 * What Postfix's sendmail does in enqueue mode (src/sendmail/sendmail.c), then hands the
 * records to the reference postdrop (./postdrop.ts), which writes maildrop/QID and pokes pickup:
 *   [A envelope_id] (-V), [A ret_flags] (-R full|hdrs), A rewrite_context=local (-G: remote),
 *   F full name (-F, else $NAME, else the passwd GECOS field), S sender (-f/-r parsed as an
 *   RFC 822 address list, first address, internal form; default: the login name),
 *   [A encoding] (-B 7BIT|8BITMIME), [A trace_flags] (-bv: 512), [V] (-XV),
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
 * Warnings and fatal errors also reach the maillog while the mail system runs.
 * Command line: ./sendmail-args.ts; addresses, input lines, passwd: ./sendmail-input.ts.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadMainCf } from '../config/index.ts';
import { QueueLayout } from '../queue/layout.ts';
import { REC } from '../queue/records.ts';
import { createFileLogger } from '../services/postlogd/postlogd.ts';
import { postdrop, type DropRecord } from './postdrop.ts';
import { masterPid, postqueueCommand } from './postqueue.ts';
import { Fatal, configDirOf, parseOptions } from './sendmail-args.ts';
import { DEL_REQ_FLAG_USR_VRFY } from '../global/deliver-request.ts';
import { CLEANUP_STAT } from '../global/cleanup-user.ts';
import { fullName, headerRecipients, inputRecords, parseAddressList, passwdEntry } from './sendmail-input.ts';

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
    if (o.traceFlags & DEL_REQ_FLAG_USR_VRFY) {
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
    if (r.status !== CLEANUP_STAT.OK) throw new Fatal(`${who}: ${r.reason}`);
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
