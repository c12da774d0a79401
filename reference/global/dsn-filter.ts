/**
 * The delivery status filter of the delivery agents (postconf(5) default_delivery_status_filter
 * and its per-agent forms, local_delivery_status_filter …; Postfix's dsn_filter(3), applied by
 * bounce_append(), defer_append() and sent()). The status and reason "D.D.D text" of a
 * delivery result is looked up in the filter's tables; an answer "D.D.D new text" replaces
 * both. A success may only become another success and a failure another failure, so a 5.x.x
 * answer to a deferral makes it a bounce and a 4.x.x answer to a bounce a deferral; an answer
 * of the wrong class (or without a valid status) is refused with a warning and the result kept.
 * Used by local(8) (services/local).
 */
import type { Maps } from './maps.ts';
import { dsnValid, splitDsn } from './dsn-split.ts';

export type FilteredOutcome = 'sent' | 'deferred' | 'bounced';

export interface DsnResult {
  outcome: FilteredOutcome;
  dsn: string;
  text: string;
}

/** The leading status of a filter answer, when it is a valid RFC 3463 code (dsn_valid()). */
function leadingStatus(answer: string): string | undefined {
  const code = /^\S+/.exec(answer)?.[0] ?? '';
  return dsnValid(code) ? code : undefined;
}

/** The outcome a status of class 2, 4 or 5 stands for. */
function outcomeOf(status: string): FilteredOutcome {
  return status.startsWith('2') ? 'sent' : status.startsWith('4') ? 'deferred' : 'bounced';
}

/**
 * The filtered result, or `given` when the filter has no (valid) answer. A table that fails
 * counts as no answer, as in dsn_filter_lookup(); `warn` gets the "bad status code" warning.
 */
export async function filterDeliveryStatus(filter: Maps, given: DsnResult, warn: (text: string) => void): Promise<DsnResult> {
  if (filter.empty) return given;
  let answer: string | null;
  try {
    answer = await filter.find(`${given.dsn} ${given.text}`);
  } catch (err) {
    warn(`${(err as Error).message}`);
    return given;
  }
  if (answer === null) return given;
  const status = leadingStatus(answer);
  const success = given.outcome === 'sent';
  if (status === undefined || success !== status.startsWith('2')) {
    warn(`${filter.title}: bad status code: ${answer}`);
    return given;
  }
  const split = splitDsn(answer, status);
  return { outcome: outcomeOf(split.dsn), dsn: split.dsn, text: split.text };
}
