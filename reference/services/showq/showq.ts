/**
 * showq: the reference queue lister (showq(8)), with postqueue(1)'s two renderings.
 *
 * Requests served: showq(layout) → one QueueEntry per queue file (reference/queue/listing.ts,
 * the `postqueue -j` shape), scanning maildrop, active, incoming, deferred, hold in that order
 * and only complete files (owner-execute bit). Recipients: those in the defer/ log first, with
 * their delay_reason, then the other pending R records; delivered (D) ones are left out. A null
 * sender shows as MAILER-DAEMON. formatJson()/formatText() print exactly what `postqueue -j` and
 * `postqueue -p` print (showq_json.c, showq_compat.c). Called by the reference target's queue().
 */
import { stat } from 'node:fs/promises';
import type { QueueEntry, QueueRecipient } from '../../queue/listing.ts';
import type { QueueLayout } from '../../queue/layout.ts';
import { MODE_FORCED_EXPIRE, isReadyMode, readQueueFile } from '../../queue/queue-file.ts';
import { readLog } from '../bounce/logfile.ts';
import { asctime } from '../../global/mail-date.ts';

const SHOWQ_QUEUES = ['maildrop', 'active', 'incoming', 'deferred', 'hold'] as const;

export async function showq(layout: QueueLayout, emptyAddress = 'MAILER-DAEMON'): Promise<QueueEntry[]> {
  const out: QueueEntry[] = [];
  for (const queue of SHOWQ_QUEUES) {
    for (const id of await layout.list(queue)) {
      const path = layout.pathOf(queue, id);
      let st;
      let msg;
      try {
        st = await stat(path);
        if (!isReadyMode(st.mode)) continue;
        msg = await readQueueFile(path);
      } catch {
        continue; // gone or being rewritten: skip, as showq does
      }
      const recipients: QueueRecipient[] = [];
      const listed = new Set<string>();
      for (const e of await readLog(layout, 'defer', id)) {
        if (listed.has(e.address)) continue;
        listed.add(e.address);
        recipients.push(e.reason ? { address: e.address, delay_reason: e.reason } : { address: e.address });
      }
      for (const r of msg.recipients) {
        if (r.done || listed.has(r.address)) continue;
        listed.add(r.address);
        recipients.push({ address: r.address });
      }
      out.push({
        queue_name: queue, queue_id: id, arrival_time: Math.floor(msg.arrivalTime / 1000),
        message_size: messageSize(queue, msg.size.messageSize, st.size), forced_expire: (st.mode & MODE_FORCED_EXPIRE) !== 0,
        sender: msg.sender || emptyAddress, recipients,
      });
    }
  }
  return out;
}

/**
 * showq_report(): the size from the SIZE record, except in maildrop (postdrop writes none, and
 * a record there is not trusted) or without a valid one: then the file's size.
 */
export function messageSize(queue: string, recorded: number | undefined, fileSize: number): number {
  return queue !== 'maildrop' && recorded !== undefined && recorded > 0 ? recorded : fileSize;
}

/** showq_json.c string quoting: \" \\ and \b \f \n \r \t short forms, other controls as \uXXXX. */
function jsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

/** `postqueue -j` output: one JSON object per line. */
export function formatJson(entries: QueueEntry[]): string {
  return entries.map((e) => {
    const rcpts = e.recipients.map((r) => `{"address": ${jsonString(r.address)}${r.delay_reason ? `, "delay_reason": ${jsonString(r.delay_reason)}` : ''}}`);
    return `{"queue_name": ${jsonString(e.queue_name)}, "queue_id": ${jsonString(e.queue_id)}, "arrival_time": ${e.arrival_time}, ` +
      `"message_size": ${e.message_size}, "forced_expire": ${e.forced_expire ? 'true' : 'false'}, "sender": ${jsonString(e.sender)}, ` +
      `"recipients": [${rcpts.join(', ')}]}\n`;
  }).join('');
}

/** `postqueue -p` output (short queue-ID layout; long IDs use the wider columns). */
export function formatText(entries: QueueEntry[], longIds = false): string {
  if (entries.length === 0) return 'Mail queue is empty\n';
  const [idW, sizeW, timeW] = longIds ? [17, 8, 19] : [11, 7, 20];
  const row = (a: string, b: string, c: string, d: string) => `${a.padEnd(idW)} ${b.padStart(sizeW)} ${c.padEnd(timeW)} ${d}\n`;
  let out = longIds
    ? row('----Queue ID-----', '--Size--', '---Arrival Time----', '--Sender/Recipient------')
    : row('-Queue ID-', '--Size--', '----Arrival Time----', '-Sender/Recipient-------');
  let total = 0;
  entries.forEach((e, i) => {
    if (i > 0) out += '\n';
    const status = e.queue_name === 'active' ? '*' : e.queue_name === 'hold' ? '!' : '';
    const id = e.queue_id + status + (e.forced_expire ? '#' : '');
    out += row(id, String(e.message_size), asctime(e.arrival_time).slice(0, timeW), e.sender);
    let saved = '';
    for (const r of e.recipients) {
      const why = r.delay_reason ?? '';
      if (why !== saved) {
        saved = why;
        const show = why || 'reason unavailable';
        out += ' '.repeat(Math.max(0, 76 - show.length)) + `(${show})\n`;
      }
      out += row('', '', '', r.address);
    }
    total += e.message_size;
  });
  out += `\n-- ${Math.floor(total / 1024)} Kbytes in ${entries.length} Request${entries.length === 1 ? '' : 's'}.\n`;
  return out;
}
