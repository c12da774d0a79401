/**
 * A test stand-in for pickup(8), only for files that postsuper -r put in maildrop/ (the
 * reference has no pickup service yet). As pickup.c does for a requeued file: copy the
 * envelope (sender, attributes, the recipients not yet done, their O and DSN records) and the
 * content unchanged — no new Received: header for requeued mail — through cleanup into a new
 * queue file, then remove the maildrop file. Used by the queue model (system.ts).
 */
import { unlink } from 'node:fs/promises';
import type { CleanupClient } from '../../reference/services/contracts.ts';
import type { QueueLayout } from '../../reference/queue/layout.ts';
import { readQueueFile } from '../../reference/queue/queue-file.ts';

/** Re-inject every maildrop file; returns old queue ID → new queue ID. */
export async function pickupMaildrop(layout: QueueLayout, cleanup: CleanupClient): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const id of await layout.list('maildrop')) {
    const path = layout.pathOf('maildrop', id);
    const msg = await readQueueFile(path);
    const handle = await cleanup.open('pickup');
    const reply = await handle.submit({
      source: 'pickup',
      sender: msg.sender,
      content: msg.content,
      arrivalTime: msg.arrivalTime,
      attributes: { ...msg.attributes },
      recipients: msg.recipients.filter((r) => !r.done).map((r) => ({
        address: r.address, origTo: r.origTo || undefined, dsnOrcpt: r.dsnOrcpt, dsnNotify: r.dsnNotify,
      })),
      flags: { virtualAliasExpansion: false },
    });
    if (reply.status !== 0) throw new Error(`pickup: cleanup refused ${id}: ${reply.reason ?? reply.status}`);
    await unlink(path);
    out.set(id, reply.queueId);
  }
  return out;
}
