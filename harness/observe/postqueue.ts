/**
 * The queue snapshot shape: one object per queue file, exactly as `postqueue -j` prints it
 * (postqueue(1), JSON OBJECT FORMAT). Defined by the reference (its showq produces it); the
 * harness reads real Postfix's output into the same shape.
 */
import type { QueueEntry } from '../../reference/queue/listing.ts';

export type { QueueEntry, QueueRecipient } from '../../reference/queue/listing.ts';

/** Parse `postqueue -j` output (JSON Lines; empty output = empty queue). */
export function parsePostqueueJson(text: string): QueueEntry[] {
  const out: QueueEntry[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    try {
      out.push(JSON.parse(t) as QueueEntry);
    } catch (err) {
      throw new Error(`postqueue -j: cannot parse line ${JSON.stringify(t)}: ${(err as Error).message}`);
    }
  }
  return out;
}
