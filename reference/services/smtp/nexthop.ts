/**
 * smtp(8) destination syntax: "[host]:port" and "[host]" (no MX lookup), "host:port" and
 * "host" (MX lookup in Postfix; the reference looks up the host's address directly, which is
 * the same for the loopback destinations tests use). An optional "smtp:"/"inet:" prefix is
 * dropped. The default port is smtp (25).
 */
export interface Nexthop {
  host: string;
  port: number;
  /** True for [host]: the MX lookup is suppressed. */
  bracketed: boolean;
}

export function parseNexthop(text: string, defaultPort = 25): Nexthop {
  let t = text.trim().replace(/^(smtp|inet|lmtp):/i, '');
  let port = defaultPort;
  const bracketed = t.startsWith('[');
  if (bracketed) {
    const close = t.indexOf(']');
    const host = t.slice(1, close < 0 ? undefined : close);
    const rest = close < 0 ? '' : t.slice(close + 1);
    if (rest.startsWith(':') && /^\d+$/.test(rest.slice(1))) port = Number(rest.slice(1));
    return { host: host.replace(/^ipv6:/i, ''), port, bracketed };
  }
  const m = /^(.*):(\d+)$/.exec(t);
  if (m && !m[1].includes(':')) {
    t = m[1];
    port = Number(m[2]);
  }
  return { host: t, port, bracketed };
}
