/**
 * Turns one observation into the compared items: everything a user of the mail system could
 * see, each as a named list of normalised lines. The comparator (diff.ts) compares two runs
 * item by item; an item's name is what a difference is reported under.
 *
 *   smtp <session>              every command and reply of one SMTP session, multi-line replies
 *                               line by line, and where the server closed the connection
 *   sink <peer> connection <n>  what a peer saw on one connection: every command (pipelined
 *                               groups marked, MAIL/RCPT addresses left to the messages), TLS,
 *                               who closed
 *   sink <peer> message <Qn>    one transaction: envelope with ESMTP parameters, refused
 *                               recipients, the final reply, every header line with its folding,
 *                               the body bytes; named by the sending queue ID (or, without a
 *                               message, "to <first recipient>")
 *   maillog <Qn>                the maillog lines of one queue ID; maillog <program>: the lines
 *                               of one program without a queue ID, session by session;
 *                               maillog conn_use: how often cached connections were used
 *   file <path>                 each file below the mail spool: mode, owner, bytes
 *   queue file <queue>/<Qn>     each queue file as postcat -e shows it; the per-recipient logs
 *                               of bounce/defer/trace as they are
 *   queue listing               postqueue -j, one line per queue file
 *
 * Text is normalised by observe/normalise.ts (what varies from run to run in Postfix itself);
 * orders Postfix does not keep are made canonical by canonical.ts. Left out: the smtpd lines
 * of smtp-until attempts the runner retried (Observation.retriedLines: how many attempts a time
 * limit takes is timing) and cleanup's clock warnings (canonical.ts). Bytes are shown exactly:
 * text is split at its line ends (CRLF for SMTP, LF for files) and any other control character
 * is escaped (\r, \n, \x00), so equal lines mean equal bytes.
 */
import type { Observation } from '../scenario/run.ts';
import type { SinkConnection, SinkTransaction } from '../sink/types.ts';
import { createNormaliser, type Normaliser } from '../observe/normalise.ts';
import { isQueueId } from '../observe/queueid.ts';
import { LOG_LINE, byText, canonicalDsn, connectionOrder, transactionOrder, isClockNoise, mboxMessageOrder, programOrder, queueIdOrder, splitConnUse, type ProcessLine } from './canonical.ts';

export interface Item {
  name: string;
  lines: string[];
}

/** Escape what would not show in a line: control characters other than tab, and C1 bytes. */
function visible(line: string): string {
  return line.replace(/[\x00-\x08\x0a-\x1f\x7f-\x9f]/g, (c) => {
    if (c === '\r') return '\\r';
    if (c === '\n') return '\\n';
    return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
}

/** Split bytes into display lines at `eol`; a final line end adds no empty line, a missing one shows. */
export function byteLines(text: string, eol: '\r\n' | '\n'): string[] {
  if (text === '') return [];
  const parts = text.split(eol);
  if (parts[parts.length - 1] === '') parts.pop();
  else parts.push('(no line end after the line above)');
  return parts.map(visible);
}

/** The "queued as" IDs the capture peers gave: the harness's, not the mail system's. */
function peerQueueIds(o: Observation): string[] {
  const txs = Object.values(o.sinks).flatMap((conns) => conns.flatMap((c) => c.transactions));
  return txs.map((t) => / queued as (\S+)$/.exec(t.dataReply ?? '')?.[1]).filter((id): id is string => id !== undefined);
}

/**
 * The normaliser for one observation: the run's queue ID names, times by their shape, the
 * temporary root and the peers' own queue IDs (which carry the peer's port) masked.
 */
export function observationNormaliser(o: Observation): Normaliser {
  const replace: Record<string, string> = { [o.root]: '<root>' };
  for (const id of peerQueueIds(o)) replace[id] = '<peer queue ID>';
  return createNormaliser({ names: o.queueIds, replace, timeShapes: true });
}

/** One transcript entry (a command, a reply, the data sent) as lines; continuation lines start with spaces. */
function entryLines(dir: string, text: string): string[] {
  return byteLines(text.endsWith('\r\n') ? text : `${text}\r\n`, '\r\n').map((x, i) => `${i === 0 ? `${dir}:` : '  '} ${x}`);
}

function smtpItems(o: Observation, norm: Normaliser): Item[] {
  return o.transcripts.map((t) => ({ name: `smtp ${t.name}`, lines: t.lines.flatMap((l) => entryLines(l.dir, norm.text(l.text))) }));
}

/** What a peer saw on one connection; MAIL FROM and RCPT TO show their verb only (see canonical.ts). */
function connectionLines(c: SinkConnection, norm: Normaliser): string[] {
  const out: string[] = [];
  if (c.tlsProtocol) out.push(`TLS ${c.tlsProtocol}`);
  for (const batch of c.commandBatches ?? c.commands.map((x) => [x])) {
    batch.forEach((cmd, i) => out.push(`${i === 0 ? 'C' : 'C (pipelined)'}: ${visible(norm.text(cmd.replace(/^(MAIL FROM:|RCPT TO:).*/i, '$1…')))}`));
  }
  out.push(`closed by ${c.closedBy ?? '(nobody: still open at the end)'}`);
  return out;
}

function messageBytes(t: SinkTransaction): string {
  return Buffer.from(t.data as Uint8Array).toString('latin1');
}

/**
 * SIZE= relative to the bytes the peer received: the size counts the queue IDs in Received:
 * headers, and the length of a Postfix queue ID varies with the queue file's inode number (a
 * new file system gives other lengths), so the absolute figure differs between two runs of
 * Postfix itself while its difference from the message's length does not. Where the peer got
 * no message (an address probe, a refused RCPT) there is nothing to relate it to, and the
 * figure is masked (seen: a verify probe announced 235 bytes by Postfix, 237 by the reference).
 */
function mailParam(p: string, t: SinkTransaction): string {
  const size = /^SIZE=(\d+)$/i.exec(p);
  if (!size) return p;
  if (t.data === undefined) return 'SIZE=<size, no message received>';
  const d = Number(size[1]) - t.data.length;
  return `SIZE=<bytes received${d < 0 ? ` - ${-d}` : ` + ${d}`}>`;
}

function transactionLines(t: SinkTransaction, norm: Normaliser): string[] {
  const out = [`MAIL FROM:<${t.mailFrom}>${t.mailParams.map((p) => ` ${mailParam(p, t)}`).join('')}`];
  for (const r of t.rcptTo) out.push(`RCPT TO:<${r}>`);
  for (const r of t.rejectedRcpts) out.push(`RCPT TO:<${r.address}> refused: ${r.reply}`);
  out.push(`end of DATA: ${t.dataReply ?? '(no reply)'}`, `accepted: ${t.accepted}`);
  const head = out.map((l) => visible(norm.text(l)));
  if (t.data === undefined) return [...head, '(no message data)'];
  return [...head, '--- message ---', ...canonicalDsn(byteLines(norm.text(messageBytes(t)), '\r\n'))];
}

/**
 * A message at a peer is named by the queue ID of the Postfix that sent it (the first "id Qn"
 * of its Received: headers), not by its arrival: parallel deliveries arrive in any order.
 * Without message data, by its first recipient.
 */
function messageName(t: SinkTransaction, lines: string[]): string {
  const header = lines.slice(lines.indexOf('--- message ---') + 1);
  const end = header.indexOf('');
  for (const l of end < 0 ? header : header.slice(0, end)) {
    const m = /\bid (Q\d+)\b/.exec(l);
    if (m) return m[1]!;
  }
  return `to <${t.rcptTo[0] ?? t.rejectedRcpts[0]?.address ?? ''}>`;
}

function sinkItems(o: Observation, norm: Normaliser): Item[] {
  const out: Item[] = [];
  for (const [peer, conns] of Object.entries(o.sinks)) {
    connectionOrder(conns.map((c) => connectionLines(c, norm))).forEach((lines, i) => out.push({ name: `sink ${peer} connection ${i + 1}`, lines }));
    // One message's transactions (recipient batches) are named base, base (2), … in transactionOrder().
    const byName = new Map<string, string[][]>();
    for (const t of conns.flatMap((c) => c.transactions)) {
      const lines = transactionLines(t, norm);
      const base = `sink ${peer} message ${messageName(t, lines)}`;
      byName.set(base, [...(byName.get(base) ?? []), lines]);
    }
    for (const [base, batches] of byName) transactionOrder(batches).forEach((lines, i) => out.push({ name: i === 0 ? base : `${base} (${i + 1})`, lines }));
  }
  return out;
}

/** The program and pid of a raw maillog line ("postfix/smtpd[1234]"), as written. */
const RAW_PROCESS = /(?:^|\s)([^\s[]+\[\d+\]):/;

/**
 * The maillog: one item per queue ID (in queueIdOrder(), conn_use taken out), one per program
 * for lines without a queue ID (connect, disconnect, NOQUEUE rejects, warnings; in
 * programOrder()), and the conn_use values of all lines as one sorted item.
 */
function maillogItems(o: Observation, norm: Normaliser): Item[] {
  const groups = new Map<string, ProcessLine[]>();
  const retried = new Set(o.retriedLines);
  const logLines = o.maillog.split('\n').filter((raw) => raw.trim() !== ''); // one per maillog event
  for (const [i, raw] of logLines.entries()) {
    if (retried.has(i)) continue; // a retried smtp-until attempt's line (Observation.retriedLines)
    const line = visible(norm.text(raw));
    if (isClockNoise(line)) continue;
    const m = LOG_LINE.exec(line);
    const key = m?.[2] ?? m?.[1] ?? '(unparsed)';
    groups.set(key, [...(groups.get(key) ?? []), { text: line, process: RAW_PROCESS.exec(raw)?.[1] ?? '' }]);
  }
  const items: Item[] = [];
  const uses: string[] = [];
  for (const [key, lines] of groups) {
    if (!/^Q\d+$/.test(key)) {
      items.push({ name: `maillog ${key}`, lines: programOrder(key, lines) });
      continue;
    }
    const split = splitConnUse(queueIdOrder(lines.map((l) => l.text)));
    uses.push(...split.uses);
    items.push({ name: `maillog ${key}`, lines: split.lines });
  }
  if (uses.length) items.push({ name: 'maillog conn_use', lines: uses.sort(byText) });
  return items;
}

function spoolItems(o: Observation, norm: Normaliser): Item[] {
  return o.spool.map((f) => ({
    name: `file ${norm.text(f.path)}`,
    lines: [`mode ${f.mode.toString(8).padStart(4, '0')}, uid ${f.uid}, gid ${f.gid}`, ...canonicalDsn(byteLines(mboxMessageOrder(norm.text(f.content)), '\n'))],
  }));
}

/** "deferred/0/0E35620C491" → "deferred/0E35620C491": hash subdirectories follow from the ID. */
function withoutHashDirs(path: string): string {
  const parts = path.split('/');
  return `${parts[0]}/${parts[parts.length - 1]}`;
}

function queueFileItems(o: Observation, norm: Normaliser): Item[] {
  // A queue file's name is its queue ID, also when nothing logged it (a file left in maildrop/).
  for (const f of o.queueFiles) {
    const name = f.path.slice(f.path.lastIndexOf('/') + 1);
    if (isQueueId(name)) norm.id(name);
  }
  return o.queueFiles.map((f) => ({
    name: `queue file ${norm.text(withoutHashDirs(f.path))}`,
    lines: byteLines(norm.text(f.text.split(f.path).join(withoutHashDirs(f.path))), '\n'),
  }));
}

function queueListingItem(o: Observation, norm: Normaliser): Item {
  return { name: 'queue listing', lines: o.queue.map((e) => visible(JSON.stringify(norm.value(e)))).sort(byText) };
}

/** Every compared item of an observation, normalised. */
export function observationItems(o: Observation): Item[] {
  const norm = observationNormaliser(o);
  return [...smtpItems(o, norm), ...sinkItems(o, norm), ...maillogItems(o, norm), ...spoolItems(o, norm), ...queueFileItems(o, norm), queueListingItem(o, norm)];
}
