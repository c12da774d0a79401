/**
 * Mailbox readers: what local(8) and virtual(8) wrote, as messages with headers and body.
 *
 *  - mbox (local(8) "mailbox" delivery, postfix-internals.md §7.2): each message starts with a
 *    "From sender  asctime-date" line, ends with an added empty line, and body lines that
 *    began with "From " were quoted as ">From " (mboxo). splitMbox() undoes all three.
 *  - maildir: one file per message in new/ and cur/ (cur/ names carry ":2,FLAGS").
 *
 * Headers are [name, value] pairs in file order, values unfolded (the line breaks of folded
 * headers removed, the whitespace kept) and without the space after the colon.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface ParsedMessage {
  headers: [string, string][];
  body: string;
}

export interface MboxMessage extends ParsedMessage {
  /** Envelope sender from the From_ line ("MAILER-DAEMON" for a null sender). */
  sender: string;
  /** The date text of the From_ line (asctime format). */
  date: string;
  /** The message as stored, From_ line included, without the separating empty line. */
  raw: string;
}

export interface MaildirMessage extends ParsedMessage {
  folder: 'new' | 'cur';
  /** File name inside the folder. */
  name: string;
  /** Maildir info flags from a cur/ name ("2,S" → "S"); "" when none. */
  flags: string;
  raw: string;
}

/** Split an RFC 5322 message (LF or CRLF line ends) into headers and body. */
export function parseMessage(text: string): ParsedMessage {
  const t = text.replace(/\r\n/g, '\n');
  const sep = t.startsWith('\n') ? 0 : t.indexOf('\n\n');
  const head = sep < 0 ? t : t.slice(0, sep);
  const body = sep < 0 ? '' : t.slice(sep + (sep === 0 ? 1 : 2));
  const headers: [string, string][] = [];
  for (const line of head.split('\n')) {
    if (line === '') continue;
    const last = headers[headers.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last[1] += line;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header line; ignore
    headers.push([line.slice(0, colon).trimEnd(), line.slice(colon + 1).replace(/^[ \t]/, '')]);
  }
  return { headers, body };
}

/** The values of every header called `name` (case-insensitive), in order. */
export function headerValues(msg: ParsedMessage, name: string): string[] {
  const n = name.toLowerCase();
  return msg.headers.filter(([h]) => h.toLowerCase() === n).map(([, v]) => v);
}

/** Split mbox text into messages. */
export function splitMbox(text: string): MboxMessage[] {
  if (!text) return [];
  const t = text.replace(/\r\n/g, '\n');
  const starts: number[] = [];
  const fromLine = /^From /gm;
  for (let m = fromLine.exec(t); m; m = fromLine.exec(t)) starts.push(m.index);
  const out: MboxMessage[] = [];
  for (const [i, start] of starts.entries()) {
    let chunk = t.slice(start, starts[i + 1] ?? t.length);
    // local(8) ends every message with an empty line; it is not part of the message.
    if (chunk.endsWith('\n\n')) chunk = chunk.slice(0, -1);
    const nl = chunk.indexOf('\n');
    const first = nl < 0 ? chunk : chunk.slice(0, nl);
    const rest = nl < 0 ? '' : chunk.slice(nl + 1);
    const m = /^From (\S+) +(.*)$/.exec(first);
    const parsed = parseMessage(rest);
    out.push({
      sender: m?.[1] ?? '',
      date: m?.[2] ?? '',
      headers: parsed.headers,
      body: parsed.body.replace(/^>From /gm, 'From '),
      raw: chunk,
    });
  }
  return out;
}

/** Read an mbox file; [] when it does not exist. */
export function readMbox(file: string): MboxMessage[] {
  try {
    return splitMbox(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

/** Read a maildir's new/ and cur/ messages, oldest first (by the time in the file name). */
export function readMaildir(dir: string): MaildirMessage[] {
  const out: MaildirMessage[] = [];
  for (const folder of ['new', 'cur'] as const) {
    let names: string[];
    try {
      names = fs.readdirSync(path.join(dir, folder));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const raw = fs.readFileSync(path.join(dir, folder, name), 'utf8');
      const info = /:2,([A-Za-z]*)$/.exec(name);
      out.push({ folder, name, flags: info?.[1] ?? '', raw, ...parseMessage(raw) });
    }
  }
  const stamp = (n: string) => Number(/^(\d+(?:\.\d+)?)/.exec(n)?.[1] ?? 0);
  // Ties by code unit, not localeCompare, so the order does not depend on the locale.
  return out.sort((a, b) => stamp(a.name) - stamp(b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
