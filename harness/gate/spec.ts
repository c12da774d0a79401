/**
 * The gate's spec format: what a mail team says must happen to mail, in its own words, as
 * YAML (or JSON) files. Each file is a list of checks; each check sends one message and says
 * what must become of it. The README's "CI gate" section documents the format for users:
 *
 *   - name: mail to sales is relayed to the CRM as sales@crm.corp.example
 *     send: { from: customer@example.net, to: sales@corp.example }
 *     expect:
 *       relayed: [{ host: crm.corp.example, to: sales@crm.corp.example }]
 *
 * Loading validates every key and value and names the file and check of each mistake, so a
 * typo in a spec fails the gate with a usable message instead of passing silently.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** A text to match: exact (addresses and hosts case-insensitively), or "/regex/flags". */
export type TextMatch = string;

export interface SendSpec {
  from: string;
  to: string[];
  /** The client address smtpd sees (sent with XCLIENT); default: the harness's 127.0.0.1. */
  client?: string;
  /** The client host name smtpd sees with `client` (default: unknown, "[UNAVAILABLE]"). */
  client_name?: string;
  helo: string;
  /** The master.cf inet service to connect to, as named there (default: the port-25 one). */
  service?: string;
  subject: string;
  headers: Record<string, string>;
  body: string;
  /** Pad the message to at least this many bytes ("21MB" = 21 × 1,048,576). */
  size?: number;
}

export interface ReplySpec {
  code?: number;
  enhanced?: string;
  text?: TextMatch;
}

export interface RelaySpec {
  /** The destination host the mail was meant for: the name Postfix looked up (MX target, relayhost, nexthop). */
  host: string;
  /** Envelope recipients the host received on the wire, as a set (default: not checked). */
  to?: string[];
  from?: TextMatch;
  /** Header fields the relayed message must carry (name → value match). */
  headers?: Record<string, TextMatch>;
}

export interface ExpectSpec {
  /** The SMTP server accepted the message (the default unless `rejected` is given). */
  accepted?: boolean;
  /** The SMTP server refused it (at any stage) with this reply. */
  rejected?: ReplySpec;
  /** Every host the message was relayed to (exact: mail to a host not listed fails). */
  relayed?: RelaySpec[];
  /** Local (local(8) / virtual(8)) mailboxes it was delivered to: user names or addresses (exact). */
  delivered_locally?: string[];
  /** The final recipients after every alias and redirection, wherever delivered (a set, exact). */
  recipients?: string[];
  /** Recipients that bounced (exact). */
  bounced?: string[];
  /** Recipients left deferred in the queue (exact). */
  deferred?: string[];
  /** The sender was (true) or was not (false) sent a delivery status notification (a bounce). */
  sender_notified?: boolean;
}

/** SMTP stages at which a capture peer can be told to answer differently. */
export const PEER_STAGES = ['connect', 'helo', 'mail', 'rcpt', 'data', 'dot'] as const;
export type PeerStage = (typeof PEER_STAGES)[number];

export interface GateCheck {
  /** The check in the user's words; also its name in reports. */
  name: string;
  /** The spec file (as given on the command line). */
  file: string;
  /** How destination hosts answer during this check (host → stage → reply, e.g. rcpt: "550 5.1.1 No such user"). */
  peers: Record<string, Partial<Record<PeerStage, string>>>;
  send: SendSpec;
  expect: ExpectSpec;
}

export class SpecError extends Error {}

const SEND_KEYS = ['from', 'to', 'client', 'client_name', 'helo', 'service', 'subject', 'headers', 'body', 'size'];
const EXPECT_KEYS = ['accepted', 'rejected', 'relayed', 'delivered_locally', 'recipients', 'bounced', 'deferred', 'sender_notified'];

/** The spec files named by `path`: the file itself, or every .yaml/.yml/.json in the directory. */
export function specFiles(path: string): string[] {
  if (!statSync(path, { throwIfNoEntry: false })) throw new SpecError(`${path}: no such spec file or directory`);
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((n) => /\.(ya?ml|json)$/.test(n))
    .sort()
    .map((n) => join(path, n));
}

export function loadSpecs(paths: string[]): GateCheck[] {
  const checks = paths.flatMap(specFiles).flatMap((f) => parseSpecFile(f, readFileSync(f, 'utf8')));
  if (!checks.length) throw new SpecError(`no checks found in ${paths.join(', ')}`);
  return checks;
}

export function parseSpecFile(file: string, text: string): GateCheck[] {
  let doc: unknown;
  try {
    doc = extname(file) === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new SpecError(`${file}: not valid ${extname(file) === '.json' ? 'JSON' : 'YAML'}: ${(err as Error).message}`);
  }
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw new SpecError(`${file}: the file must be a list of checks ("- name: …")`);
  return doc.map((item, i) => parseCheck(file, i, item));
}

function parseCheck(file: string, i: number, raw: unknown): GateCheck {
  let where = `${file}, check #${i + 1}`;
  const fail = (msg: string): never => {
    throw new SpecError(`${where}: ${msg}`);
  };
  const obj = record(raw, fail, 'a check');
  const name = str(obj.name, fail, 'name');
  where = `${file}, check "${name}"`;
  known(obj, ['name', 'peers', 'send', 'expect'], fail, '');
  const peers: GateCheck['peers'] = {};
  for (const [host, raw] of Object.entries(obj.peers === undefined ? {} : record(obj.peers, fail, '"peers"'))) {
    const b = strRecord(raw, fail, `peers.${host}`);
    known(b, [...PEER_STAGES], fail, `peers.${host}.`);
    for (const [stage, reply] of Object.entries(b)) {
      if (!/^[2-5]\d\d(?: .*)?$/.test(reply)) fail(`peers.${host}.${stage}: "${reply}" is not an SMTP reply such as "550 5.1.1 No such user"`);
    }
    peers[host.toLowerCase()] = b;
  }
  const s = record(obj.send, fail, '"send"');
  known(s, SEND_KEYS, fail, 'send.');
  for (const k of ['from', 'to']) if (s[k] === undefined) fail(`send.${k} is required${k === 'from' ? ' (write from: "" for the null sender)' : ''}`);
  const to = list(s.to, fail, 'send.to');
  if (!to.length) fail('send.to names no recipient');
  const send: SendSpec = {
    from: str(s.from, fail, 'send.from', true),
    to,
    helo: s.helo === undefined ? 'client.twinpost.test' : str(s.helo, fail, 'send.helo'),
    subject: s.subject === undefined ? name : str(s.subject, fail, 'send.subject', true),
    headers: s.headers === undefined ? {} : strRecord(s.headers, fail, 'send.headers'),
    body: s.body === undefined ? `This is a test message from twinpost gate: ${name}\n` : str(s.body, fail, 'send.body', true),
  };
  if (s.client !== undefined) send.client = str(s.client, fail, 'send.client');
  if (s.client_name !== undefined) send.client_name = str(s.client_name, fail, 'send.client_name');
  if (s.service !== undefined) send.service = String(s.service);
  if (s.size !== undefined) send.size = parseSize(s.size, fail);

  const e = obj.expect === undefined ? {} : record(obj.expect, fail, '"expect"');
  known(e, EXPECT_KEYS, fail, 'expect.');
  const expect: ExpectSpec = {};
  if (e.accepted !== undefined) {
    if (typeof e.accepted !== 'boolean') fail('expect.accepted must be true or false');
    expect.accepted = e.accepted as boolean;
  }
  if (e.sender_notified !== undefined) {
    if (typeof e.sender_notified !== 'boolean') fail('expect.sender_notified must be true or false');
    expect.sender_notified = e.sender_notified as boolean;
  }
  if (e.rejected !== undefined) expect.rejected = parseReply(e.rejected, fail);
  if (expect.rejected && expect.accepted) fail('expect.accepted and expect.rejected contradict each other');
  if (e.relayed !== undefined) expect.relayed = (Array.isArray(e.relayed) ? e.relayed : [e.relayed]).map((r, j) => parseRelay(r, fail, `expect.relayed[${j}]`));
  for (const k of ['delivered_locally', 'recipients', 'bounced', 'deferred'] as const) {
    if (e[k] !== undefined) expect[k] = list(e[k], fail, `expect.${k}`);
  }
  return { name, file, peers, send, expect };
}

function parseRelay(raw: unknown, fail: (m: string) => never, where: string): RelaySpec {
  if (typeof raw === 'string') return { host: raw };
  const r = record(raw, fail, where);
  known(r, ['host', 'to', 'from', 'headers'], fail, `${where}.`);
  const out: RelaySpec = { host: str(r.host, fail, `${where}.host`) };
  if (r.to !== undefined) out.to = list(r.to, fail, `${where}.to`);
  if (r.from !== undefined) out.from = str(r.from, fail, `${where}.from`, true);
  if (r.headers !== undefined) out.headers = strRecord(r.headers, fail, `${where}.headers`);
  return out;
}

/** 552, "552", "552 5.3.4", "552 5.3.4 text…", or { code, enhanced, text }. */
function parseReply(raw: unknown, fail: (m: string) => never): ReplySpec {
  if (raw === true) return {};
  if (typeof raw === 'number') return { code: raw };
  if (typeof raw === 'string') {
    const m = /^(\d{3})(?:\s+(\d\.\d{1,3}\.\d{1,3}))?(?:\s+(.*))?$/.exec(raw.trim());
    if (!m) fail(`expect.rejected: "${raw}" is not a reply such as 552 or "554 5.7.1"`);
    const out: ReplySpec = { code: Number(m![1]) };
    if (m![2]) out.enhanced = m![2];
    if (m![3]) out.text = m![3];
    return out;
  }
  const r = record(raw, fail, 'expect.rejected');
  known(r, ['code', 'enhanced', 'text'], fail, 'expect.rejected.');
  const out: ReplySpec = {};
  if (r.code !== undefined) out.code = Number(r.code);
  if (r.enhanced !== undefined) out.enhanced = String(r.enhanced);
  if (r.text !== undefined) out.text = String(r.text);
  return out;
}

const UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: 1024 ** 2, mb: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

function parseSize(raw: unknown, fail: (m: string) => never): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(String(raw));
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) fail(`send.size: "${String(raw)}" is not a size such as 21MB or 500KB`);
  return Math.round(Number(m![1]) * unit!);
}

function record(v: unknown, fail: (m: string) => never, what: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(`${what} must be a mapping of keys to values`);
  return v as Record<string, unknown>;
}

function known(obj: Record<string, unknown>, keys: string[], fail: (m: string) => never, prefix: string): void {
  for (const k of Object.keys(obj)) if (!keys.includes(k)) fail(`unknown key "${prefix}${k}" (known: ${keys.join(', ')})`);
}

function str(v: unknown, fail: (m: string) => never, what: string, emptyOk = false): string {
  if (typeof v !== 'string' && typeof v !== 'number') fail(`${what} must be text`);
  const s = String(v);
  if (!emptyOk && !s.trim()) fail(`${what} is empty`);
  return s;
}

function list(v: unknown, fail: (m: string) => never, what: string): string[] {
  const arr = Array.isArray(v) ? v : [v];
  return arr.map((x, i) => str(x, fail, `${what}[${i}]`));
}

function strRecord(v: unknown, fail: (m: string) => never, what: string): Record<string, string> {
  const r = record(v, fail, what);
  return Object.fromEntries(Object.entries(r).map(([k, x]) => [k, str(x, fail, `${what}.${k}`, true)]));
}

/** "routing.yaml" → "routing", for report ids. */
export function specStem(file: string): string {
  return basename(file).replace(/\.(ya?ml|json)$/, '');
}
