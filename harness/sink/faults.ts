/**
 * The sink's fault book: which scripted fault (SinkFault, see types.ts) applies at a stage,
 * counting each fault's uses so that `times` limits it across all connections of the sink.
 *
 * Recipient filters: a fault with `recipients` matches only where recipients are known —
 * at "rcpt" the recipient being offered, at "data" and "dot" the transaction's accepted
 * recipients (any of them). At other stages such a fault never matches.
 */
import type { SinkFault, SmtpStage } from './types.ts';

interface Entry {
  fault: SinkFault;
  used: number;
}

export class FaultBook {
  private entries: Entry[] = [];

  constructor(faults: SinkFault[] = []) {
    this.set(faults);
  }

  /** Replace the faults; use counters start again from zero. */
  set(faults: SinkFault[]): void {
    this.entries = faults.map((fault) => ({ fault, used: 0 }));
  }

  /** Delay in ms before answering at `stage` (0 when no slow fault applies). */
  delay(stage: SmtpStage, recipients: string[] = []): number {
    const e = this.take((f) => f.kind === 'slow' && f.stage === stage, recipients);
    return e && e.fault.kind === 'slow' ? e.fault.delayMs : 0;
  }

  /** The scripted reply at `stage`, if a reply fault applies. */
  reply(stage: SmtpStage, recipients: string[] = []): string | undefined {
    const e = this.take((f) => f.kind === 'reply' && f.stage === stage, recipients);
    return e && e.fault.kind === 'reply' ? e.fault.reply : undefined;
  }

  /** When a drop-mid-data fault applies to this DATA phase: after how many bytes to drop. */
  dropAfter(): number | undefined {
    const e = this.take((f) => f.kind === 'drop-mid-data', []);
    return e && e.fault.kind === 'drop-mid-data' ? Math.max(e.fault.afterBytes ?? 1, 0) : undefined;
  }

  private take(kind: (f: SinkFault) => boolean, recipients: string[]): Entry | undefined {
    const entry = this.entries.find(
      (e) => kind(e.fault) && (e.fault.times === undefined || e.used < e.fault.times) && matches(e.fault, recipients),
    );
    if (entry) entry.used++;
    return entry;
  }
}

function matches(fault: SinkFault, recipients: string[]): boolean {
  if (fault.kind !== 'reply' || fault.recipients === undefined) return true;
  const wanted = new Set(fault.recipients.map((r) => r.toLowerCase()));
  return recipients.some((r) => wanted.has(r.toLowerCase()));
}
