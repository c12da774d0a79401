/**
 * dsn_split(): a reason text with an optional leading RFC 3463 status ("5.1.1 no such list")
 * split into the status and the rest, with a default status when there is none. Used by the
 * error and discard agents on their nexthop text, and by cleanup on the reason of the mail it
 * returns itself.
 */
export function splitDsn(text: string, defaultDsn: string): { dsn: string; text: string } {
  const m = /^\s*([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)(.*)$/s.exec(text);
  return m ? { dsn: m[1], text: m[2].trim() } : { dsn: defaultDsn, text: text.trim() };
}

/** dsn_valid(): an RFC 3463 status code "c.sss.ddd" (class 2, 4 or 5, at most three digits each). */
export function dsnValid(code: string): boolean {
  return /^[245]\.\d{1,3}\.\d{1,3}$/.test(code);
}

/**
 * The sanity check of bounce_append() and defer_append(): a bounce must carry a valid 5.x.x
 * code and a deferral a valid 4.x.x code, whatever a command or a remote server said; another
 * code is logged as ignored and replaced by 5.0.0 or 4.0.0. `warn` gets the warning text
 * ("bounce_append: ignoring dsn code \"2.0.0\"").
 */
export function checkedFailureDsn(outcome: 'bounced' | 'deferred', dsn: string, warn: (text: string) => void): string {
  const [cls, caller, fallback] = outcome === 'bounced' ? ['5', 'bounce_append', '5.0.0'] : ['4', 'defer_append', '4.0.0'];
  if (dsn.startsWith(cls) && dsnValid(dsn)) return dsn;
  warn(`${caller}: ignoring dsn code "${dsn}"`);
  return fallback;
}
