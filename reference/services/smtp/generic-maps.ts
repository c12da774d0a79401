/**
 * smtp_generic_maps (postconf(5); generic(5); smtp_map11.c, smtp_misc.c, global/mail_addr_map.c):
 * the address rewriting smtp(8) applies to mail on its way out — the envelope sender in MAIL
 * FROM, each recipient in RCPT TO, and every address of the primary header block's sender
 * and recipient headers (From:, To:, Cc:, Reply-To: …) — so that local addresses become
 * valid Internet ones. The queue file is not changed, nor the addresses in the maillog.
 *
 * Keys are tried as mail_addr_find() does: user+ext@domain, user@domain, then (when the
 * domain is $myorigin or local: $mydestination or this machine's address literal) user+ext and user, then
 * @domain; a pattern table sees the full address only. A value "@other" keeps the address's
 * local part (without the unmatched extension); the first address of a list is used (a
 * warning names the others). An unmatched extension is put back only when
 * propagate_unmatched_extensions names "generic". The null sender is left alone.
 * A header whose addresses change is rebuilt and folded as cleanup(8) rebuilds one
 * (services/cleanup/header-addresses.ts).
 * Used by smtp.ts (envelope) and output.ts through `rewriteHeader` (headers).
 *
 * Differs from Postfix: a table that fails is logged and the address is sent as it is;
 * Postfix's smtp(8) stops with a fatal error.
 */
import { TableLookupError, type Maps } from '../../global/maps.ts';
import type { LocalDomains } from '../../global/resolve-local.ts';
import { headerName } from '../cleanup/headers.ts';
import { rewriteHeader } from '../cleanup/header-addresses.ts';

/** Headers whose addresses are rewritten (HDR_OPT_SENDER or HDR_OPT_RECIP in header_opts). */
const ADDRESS_HEADERS = new Set([
  'apparently-to', 'bcc', 'cc', 'disposition-notification-to', 'errors-to', 'from', 'mail-followup-to',
  'reply-to', 'resent-bcc', 'resent-cc', 'resent-from', 'resent-reply-to', 'resent-sender', 'resent-to',
  'return-path', 'return-receipt-to', 'sender', 'to',
]);

export interface GenericMapsOptions {
  maps: Maps;
  local: LocalDomains;
  /** myorigin: a local domain too, for the local-part lookups. */
  myorigin: string;
  /** recipient_delimiter. */
  delimiters: string;
  /** propagate_unmatched_extensions names "generic". */
  propagate: boolean;
  warn: (text: string) => void;
}

interface Key {
  key: string;
  /** Only fixed-string tables are asked (not the full address). */
  partial: boolean;
  /** The extension the key went without. */
  extension?: string;
}

/** "user+ext" split at the first delimiter character: the bare user and the extension with its delimiter. */
function splitExtension(local: string, delimiters: string): { bare: string; extension: string } | undefined {
  if (!delimiters) return undefined;
  const at = [...local].findIndex((c) => delimiters.includes(c));
  if (at <= 0) return undefined;
  return { bare: local.slice(0, at), extension: local.slice(at) };
}

export class GenericMaps {
  constructor(private readonly o: GenericMapsOptions) {}

  private async keysOf(address: string): Promise<Key[]> {
    const at = address.lastIndexOf('@');
    const local = at < 0 ? address : address.slice(0, at);
    const domain = at < 0 ? '' : address.slice(at);
    const split = splitExtension(local, this.o.delimiters);
    const keys: Key[] = [{ key: address, partial: false }];
    if (split) keys.push({ key: split.bare + domain, partial: true, extension: split.extension });
    if (at <= 0) return keys;
    if (await this.isLocal(domain.slice(1))) {
      keys.push({ key: local, partial: true });
      if (split) keys.push({ key: split.bare, partial: true, extension: split.extension });
    }
    keys.push({ key: domain, partial: true });
    return keys;
  }

  private async isLocal(domain: string): Promise<boolean> {
    return domain.toLowerCase() === this.o.myorigin.toLowerCase() || this.o.local.isLocal(domain);
  }

  /** The address as it goes out: the table's answer, or the address itself. */
  async map(address: string): Promise<string> {
    if (address === '') return address;
    try {
      for (const k of await this.keysOf(address)) {
        const value = await this.o.maps.find(k.key, k.partial);
        if (value !== null) return this.result(address, value, k.extension);
      }
    } catch (err) {
      if (!(err instanceof TableLookupError)) throw err;
      this.o.warn(`${this.o.maps.title} map lookup problem for ${address}`);
    }
    return address;
  }

  /** A table answer as one address: "@domain" completed, the first of a list, the extension back when asked. */
  private result(address: string, value: string, extension: string | undefined): string {
    let text = value.trim();
    if (text.startsWith('@')) {
      const at = address.lastIndexOf('@');
      const local = at < 0 ? address : address.slice(0, at);
      text = (extension ? local.slice(0, local.length - extension.length) : local) + text;
    }
    const items = text.split(/[\s,]+/).filter(Boolean);
    if (items.length > 1) this.o.warn(`multi-valued ${this.o.maps.title} result for ${address}`);
    const first = items[0] ?? address;
    if (!extension || !this.o.propagate) return first;
    const at = first.lastIndexOf('@');
    return at < 0 ? first + extension : first.slice(0, at) + extension + first.slice(at);
  }

  /** A primary header (its lines joined with "\n") with its addresses mapped; undefined when it has none or none changed. */
  async header(text: string): Promise<string | undefined> {
    const lines = text.split('\n');
    if (!ADDRESS_HEADERS.has(headerName(lines))) return undefined;
    const out = await rewriteHeader(lines, (a) => this.map(a));
    return out === lines ? undefined : out.join('\n');
  }
}
