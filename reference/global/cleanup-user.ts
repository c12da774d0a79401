/**
 * cleanup(8)'s reply status bits (cleanup_user.h), as CleanupReply.status and postdrop's
 * result carry them: 0 is success, anything else names what went wrong.
 */
export const CLEANUP_STAT = { OK: 0, BAD: 1, WRITE: 2, SIZE: 4, CONT: 8, HOPS: 16, RCPT: 64, PROXY: 128, DEFER: 256 } as const;

/** What a client of cleanup reports for a failure status: SMTP code, DSN status and text. */
export interface CleanupStatDetail {
  smtp: number;
  dsn: string;
  text: string;
}

/**
 * cleanup_strerror.c's table, most severe status first: the entry for the first bit that is
 * set in `status`. smtpd(8) answers "<smtp> <dsn> Error: <text>" with it.
 */
const STAT_DETAILS: [number, CleanupStatDetail][] = [
  [CLEANUP_STAT.DEFER, { smtp: 451, dsn: '4.7.1', text: 'service unavailable' }],
  [CLEANUP_STAT.PROXY, { smtp: 451, dsn: '4.3.0', text: 'queue file write error' }],
  [CLEANUP_STAT.BAD, { smtp: 451, dsn: '4.3.0', text: 'internal protocol error' }],
  [CLEANUP_STAT.RCPT, { smtp: 550, dsn: '5.1.0', text: 'no recipients specified' }],
  [CLEANUP_STAT.HOPS, { smtp: 554, dsn: '5.4.0', text: 'too many hops' }],
  [CLEANUP_STAT.SIZE, { smtp: 552, dsn: '5.3.4', text: 'message file too big' }],
  [CLEANUP_STAT.CONT, { smtp: 550, dsn: '5.7.1', text: 'message content rejected' }],
  [CLEANUP_STAT.WRITE, { smtp: 451, dsn: '4.3.0', text: 'queue file write error' }],
];

/** The detail of a failure status; a status no entry names is an internal protocol error. */
export function cleanupStatDetail(status: number): CleanupStatDetail {
  for (const [bit, detail] of STAT_DETAILS) if (status & bit) return detail;
  return STAT_DETAILS[2][1];
}
