/**
 * smtpd_reject_footer (postconf(5); smtpd_chat.c and global/smtp_reply_footer.c): text added to
 * every 4xx and 5xx reply smtpd sends. Each "\n" (backslash, n) in the template starts a new
 * reply line that repeats the reply code and the enhanced status code when the reply has one;
 * "\c" at the very start joins the first footer line to the reply's last line instead.
 * $name, ${name} and $(name) are expanded from the session (smtpd_expand.c: server_name,
 * client_address, client_name, client_port, client, reverse_client_name, helo_name, sender,
 * sender_name, sender_domain, recipient, recipient_name, recipient_domain), each value with
 * the characters that smtpd_expansion_filter does not list replaced by "_". Used by session.ts
 * send(), which picks the template: what smtpd_reject_footer_maps finds for the reply, else
 * smtpd_reject_footer.
 *
 * Differs from Postfix: $localtime is not served; an unknown
 * $name expands to nothing (Postfix drops the footer and logs a warning).
 */
import type { SmtpReply } from './reply.ts';

/** The session's values for $name expansion. */
export type FooterLookup = (name: string) => string | undefined;

const NAME = /\$(?:\{([A-Za-z0-9_]+)\}|\(([A-Za-z0-9_]+)\)|([A-Za-z0-9_]+))/g;

/** A main.cf filter such as "\t\40!..." as the set of characters it allows (C escapes as main.cf writes them). */
export function filterChars(filter: string): Set<string> {
  const out = new Set<string>();
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!;
    if (c !== '\\' || i + 1 >= filter.length) {
      out.add(c);
      continue;
    }
    const next = filter[++i]!;
    const octal = /^[0-7]{1,3}/.exec(filter.slice(i));
    if (octal) {
      out.add(String.fromCharCode(parseInt(octal[0], 8)));
      i += octal[0].length - 1;
    } else out.add(({ t: '\t', n: '\n', r: '\r', f: '\f', v: '\v', b: '\b', a: '\x07' } as Record<string, string>)[next] ?? next);
  }
  return out;
}

/** One footer line with its $names expanded and filtered. */
function expandLine(template: string, lookup: FooterLookup, allowed: Set<string>): string {
  return template.replace(NAME, (_m, a?: string, b?: string, c?: string) => {
    const value = lookup((a ?? b ?? c)!) ?? '';
    return [...value].map((ch) => (allowed.has(ch) ? ch : '_')).join('');
  });
}

/** The reply with the footer added (only to 4xx and 5xx replies; `template` empty = none). */
export function withFooter(r: SmtpReply, template: string, filter: string, lookup: FooterLookup): SmtpReply {
  if (template === '' || r.code < 400 || r.code >= 600) return r;
  const allowed = filterChars(filter);
  const lines = [...(typeof r.text === 'string' ? [r.text] : r.text)];
  const parts = template.split('\\n');
  if (parts[0]!.startsWith('\\c')) lines[lines.length - 1] += expandLine(parts.shift()!.slice(2), lookup, allowed);
  for (const part of parts) lines.push(expandLine(part, lookup, allowed));
  return { ...r, text: lines };
}

/** soft_bounce in the reply output routine: a 5xx reply and its 5.x.x status become 4xx. */
export function softBounced(r: SmtpReply): SmtpReply {
  if (r.code < 500 || r.code >= 600) return r;
  return { ...r, code: r.code - 100, ...(r.enhanced?.startsWith('5') && { enhanced: `4${r.enhanced.slice(1)}` }) };
}
