/**
 * cleanup(8)'s reply status bits (cleanup_user.h), as CleanupReply.status and postdrop's
 * result carry them: 0 is success, anything else names what went wrong.
 */
export const CLEANUP_STAT = { OK: 0, BAD: 1, WRITE: 2, SIZE: 4, CONT: 8, HOPS: 16, RCPT: 64, PROXY: 128, DEFER: 256 } as const;
