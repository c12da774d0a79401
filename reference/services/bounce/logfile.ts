/**
 * The per-message status logs in bounce/, defer/ and trace/ (bounce_append_service.c,
 * bounce_log.c): one block per recipient, a blank line, the old-style "<rcpt>: reason" line,
 * then name=value lines (recipient, orig_rcpt, offset, dsn_orig_rcpt, notify_flags, status,
 * action, diag_type/diag_text, mta_type/mta_mname, reason) and a blank line. Appended with
 * fsync; read by bounce (DSNs) and showq (postqueue's delay_reason) as bounce_log.c reads it.
 */
import { open, readFile } from 'node:fs/promises';
import type { QueueLayout } from '../../queue/layout.ts';

export interface LogRecipient {
  address: string;
  origTo?: string;
  offset: number;
  dsnOrcpt?: string;
  dsnNotify?: number;
}

export interface LogDsn {
  status: string;
  action: string;
  reason: string;
  diagType?: string;
  diagText?: string;
  mtaType?: string;
  mtaName?: string;
}

export interface LogEntry extends LogRecipient, LogDsn {}

export type LogKind = 'bounce' | 'defer' | 'trace';

export function formatLogEntry(r: LogRecipient, d: LogDsn): string {
  const lines = ['', `<${r.address}>: ${d.reason}`, `recipient=${r.address || '<>'}`];
  if (r.origTo && r.origTo.toLowerCase() !== r.address.toLowerCase()) lines.push(`orig_rcpt=${r.origTo}`);
  if (r.offset > 0) lines.push(`offset=${r.offset}`);
  if (r.dsnOrcpt) lines.push(`dsn_orig_rcpt=${r.dsnOrcpt}`);
  if (r.dsnNotify) lines.push(`notify_flags=${r.dsnNotify}`);
  if (d.status) lines.push(`status=${d.status}`);
  if (d.action) lines.push(`action=${d.action}`);
  if (d.diagType && d.diagText) lines.push(`diag_type=${d.diagType}`, `diag_text=${d.diagText}`);
  if (d.mtaType && d.mtaName) lines.push(`mta_type=${d.mtaType}`, `mta_mname=${d.mtaName}`);
  if (d.reason) lines.push(`reason=${d.reason}`);
  return lines.join('\n') + '\n\n';
}

export async function appendLog(layout: QueueLayout, kind: LogKind, queueId: string, r: LogRecipient, d: LogDsn): Promise<void> {
  const dir = await layout.ensureDirOf(kind, queueId);
  const fh = await open(`${dir}/${queueId}`, 'a', 0o600);
  try {
    await fh.write(formatLogEntry(r, d));
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** bounce_log_read()'s place holder for an entry without a reason (notices and postqueue show it). */
export const REASON_UNAVAILABLE = '(description unavailable)';

/**
 * Parse a log file; old-style "<addr>: text" lines are skipped (the name=value lines carry it
 * all). An entry logged with an empty reason reads back as REASON_UNAVAILABLE.
 */
export function parseLog(text: string): LogEntry[] {
  const out: LogEntry[] = [];
  for (const block of text.split(/\n\n+/)) {
    const e: Partial<LogEntry> & { offset: number } = { offset: 0 };
    let any = false;
    for (const line of block.split('\n')) {
      // bounce_log_read(): "name = value", blanks around name and value dropped (split_nameval).
      const m = /^([a-z_]+)[ \t]*=[ \t]*(.*?)[ \t]*$/.exec(line);
      if (!m) continue;
      any = true;
      const [, k, v] = m;
      switch (k) {
        case 'recipient': e.address = v === '<>' ? '' : v; break;
        case 'orig_rcpt': e.origTo = v; break;
        case 'offset': e.offset = Number(v); break;
        case 'dsn_orig_rcpt': e.dsnOrcpt = v; break;
        case 'notify_flags': e.dsnNotify = Number(v); break;
        case 'status': e.status = v; break;
        case 'action': e.action = v; break;
        case 'diag_type': e.diagType = v; break;
        case 'diag_text': e.diagText = v; break;
        case 'mta_type': e.mtaType = v; break;
        case 'mta_mname': e.mtaName = v; break;
        case 'reason': e.reason = v; break;
      }
    }
    if (any && e.address !== undefined) out.push({ status: '', action: '', ...e, reason: e.reason || REASON_UNAVAILABLE } as LogEntry);
  }
  return out;
}

export async function readLog(layout: QueueLayout, kind: LogKind, queueId: string): Promise<LogEntry[]> {
  try {
    return parseLog(await readFile(layout.pathOf(kind, queueId), 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
