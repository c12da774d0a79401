/**
 * dsn_split(): a reason text with an optional leading RFC 3463 status ("5.1.1 no such list")
 * split into the status and the rest, with a default status when there is none. Used by the
 * error and discard agents on their nexthop text.
 */
export function splitDsn(text: string, defaultDsn: string): { dsn: string; text: string } {
  const m = /^\s*([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)(.*)$/s.exec(text);
  return m ? { dsn: m[1], text: m[2].trim() } : { dsn: defaultDsn, text: text.trim() };
}
