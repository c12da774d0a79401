/**
 * The queue snapshot shape: one object per queue file, exactly as `postqueue -j` prints it
 * (postqueue(1), JSON OBJECT FORMAT). The reference's showq produces the same shape.
 */
export interface QueueRecipient {
  address: string;
  delay_reason?: string;
}

export interface QueueEntry {
  queue_name: 'maildrop' | 'incoming' | 'active' | 'deferred' | 'hold' | string;
  queue_id: string;
  arrival_time: number;
  message_size: number;
  forced_expire?: boolean;
  sender: string;
  recipients: QueueRecipient[];
}

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
