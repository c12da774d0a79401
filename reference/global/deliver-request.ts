/**
 * Delivery request flags (deliver_request.h): what qmgr sets in DeliveryRequest.flags for the
 * delivery agents, and what a queue file's `trace_flags` attribute carries for address probes
 * (verify) and `sendmail -bv`. Plus the status word an agent logs in each mode.
 */

/** Delete recipients that were delivered (the default). */
export const DEL_REQ_FLAG_SUCCESS = 1 << 0;
export const DEL_REQ_FLAG_BOUNCE = 1 << 1;
/** An address probe of verify(8): report deliverability to verify, deliver nothing. */
export const DEL_REQ_FLAG_MTA_VRFY = 1 << 8;
/** `sendmail -bv`: report deliverability to the sender, deliver nothing. */
export const DEL_REQ_FLAG_USR_VRFY = 1 << 9;
/** `sendmail -v`: deliver and report. */
export const DEL_REQ_FLAG_RECORD = 1 << 10;
/** On-demand connection cache: reuse a cached connection to this destination if there is one. */
export const DEL_REQ_FLAG_CONN_LOAD = 1 << 11;
/** On-demand connection cache: keep the connection for the next delivery to this destination. */
export const DEL_REQ_FLAG_CONN_STORE = 1 << 12;

/** The status word an agent logs: in verify-only mode "deliverable"/"undeliverable", else the outcome. */
export function deliveryStatusWord(flags: number, outcome: 'sent' | 'deferred' | 'bounced'): string {
  if (!(flags & DEL_REQ_FLAG_USR_VRFY)) return outcome;
  return outcome === 'sent' ? 'deliverable' : 'undeliverable';
}
