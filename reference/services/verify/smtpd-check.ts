/**
 * smtpd's reject_unverified_recipient and reject_unverified_sender (smtpd(8), postconf(5)
 * address_verify_poll_count / address_verify_poll_delay, unverified_{recipient,sender}_*):
 * ask verify(8), polling while the answer is "in progress", and build Postfix 3.7.11's replies.
 * Returns "dunno" when the address is deliverable. Called by reference/services/smtpd's
 * restriction evaluation.
 */
import { DEL_RCPT_STAT_BOUNCE, DEL_RCPT_STAT_OK, DEL_RCPT_STAT_TODO, type VerifyClient } from './verify.ts';

export interface UnverifiedSettings {
  verify: VerifyClient;
  pollCount: number;
  pollDelayMs: number;
  /** unverified_recipient_reject_code / unverified_sender_reject_code */
  rejectCode: number;
  /** unverified_*_defer_code (450) */
  deferCode: number;
}

/** The enhanced status code after its class, by role (smtpd_check.c: x.1.7 for the sender, x.1.1 for a recipient). */
const DSN_DETAIL = { Recipient: '1.1', Sender: '1.7' } as const;

export async function checkUnverified(s: UnverifiedSettings, address: string, role: 'Recipient' | 'Sender'): Promise<{ reply: string } | 'dunno'> {
  let r = await s.verify.query(address);
  for (let i = 1; i < s.pollCount && r.recipientStatus === DEL_RCPT_STAT_TODO; i++) {
    await new Promise((res) => setTimeout(res, s.pollDelayMs));
    r = await s.verify.query(address);
  }
  const detail = DSN_DETAIL[role];
  if (r.status !== 0) return { reply: `450 4.${detail} <${address}>: ${role} address rejected: unverified address: Address verification failed` };
  if (r.recipientStatus === DEL_RCPT_STAT_OK) return 'dunno';
  // in progress or deferred: the defer code; bounced: the reject code (smtpd_check.c)
  const code = r.recipientStatus === DEL_RCPT_STAT_BOUNCE ? s.rejectCode : s.deferCode;
  // the code's class picks the wording: a 4xx reply says "unverified", a 5xx "undeliverable";
  // a 2xx code lets the address pass
  if (Math.floor(code / 100) === 2) return 'dunno';
  if (Math.floor(code / 100) === 4) return { reply: `${code} 4.${detail} <${address}>: ${role} address rejected: unverified address: ${r.reason}` };
  return { reply: `${code} 5.${detail} <${address}>: ${role} address rejected: undeliverable address: ${r.reason}` };
}

/** The restriction hook as the master builds it from main.cf. */
export function unverifiedCheck(cfg: { get(n: string): string; int(n: string): number; time(n: string): number }, verify: VerifyClient) {
  const int = (name: string, dflt: number) => {
    const v = Number.parseInt(cfg.get(name), 10);
    return Number.isNaN(v) ? dflt : v;
  };
  return (address: string, role: 'Recipient' | 'Sender') =>
    checkUnverified(
      {
        verify,
        pollCount: int('address_verify_poll_count', 3),
        pollDelayMs: cfg.time('address_verify_poll_delay') * 1000,
        rejectCode: cfg.int(role === 'Recipient' ? 'unverified_recipient_reject_code' : 'unverified_sender_reject_code'),
        deferCode: cfg.int(role === 'Recipient' ? 'unverified_recipient_defer_code' : 'unverified_sender_defer_code'),
      },
      address,
      role,
    );
}
