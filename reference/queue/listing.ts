/**
 * The queue listing shape: one object per queue file, exactly as `postqueue -j` prints it
 * (postqueue(1), "JSON OBJECT FORMAT"). The reference's showq produces it, the master hands it
 * out, and the harness reads real Postfix's `postqueue -j` output into the same shape.
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
