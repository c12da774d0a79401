/**
 * cleanup's rewriting of addresses in message headers (cleanup(8) "ADDRESS REWRITING",
 * postconf(5) local_header_rewrite_clients / remote_header_rewrite_domain). With a header
 * rewrite context (local, or remote when remote_header_rewrite_domain is set) every address in
 * the sender-type headers (From, Sender, Reply-To, Errors-To, Resent-From, ...) and the
 * recipient-type headers (To, Cc, Bcc, Resent-To, Apparently-To, ...) of the primary header
 * block goes through trivial-rewrite in that context, as Postfix's header_opts table lists them.
 *
 * A header whose addresses all stay the same is kept byte for byte. A changed one is rebuilt
 * the way Postfix regenerates it: the original header name, ": ", the address list with one
 * blank between words, "<" after a blank, ", " between addresses, then folded so that address
 * lists fill lines of under 70 characters (continuation lines start with a TAB).
 * Parsing follows Postfix's lenient rules: the right-most <...> of an expression is its
 * address; without angle brackets the words are the address and comments move behind it; two
 * adjacent words without an operator between them are two addresses (a comma is inserted);
 * "name: a, b;" is a group. Only the first header_address_token_limit tokens of a header are
 * parsed: when an address among them changes, the rebuilt header ends with them (the rest of
 * the header is lost, as in Postfix's tok822_parse_limit()).
 * The caller's rewrite function also applies canonical maps and masquerading, by the header's
 * kind (sender or recipient).
 */
import { externalize, scan, type Tok } from '../../global/tok822.ts';
import { headerName, splitHeaders } from './headers.ts';

/** Headers with HDR_OPT_SENDER or HDR_OPT_RECIP in Postfix's header_opts table. */
const ADDRESS_HEADERS = new Set([
  'apparently-to', 'bcc', 'cc', 'disposition-notification-to', 'errors-to', 'from', 'mail-followup-to',
  'reply-to', 'resent-bcc', 'resent-cc', 'resent-from', 'resent-reply-to', 'resent-sender', 'resent-to',
  'return-path', 'return-receipt-to', 'sender', 'to',
]);

/** One element of a parsed header value: a token kept as is, or an address. */
type Item = { tok: Tok } | { addr: Tok[] };

/** Rewrites one address of a sender-type or recipient-type header. */
export type RewriteFn = (address: string, kind: HeaderAddressKind) => Promise<string>;

export type HeaderAddressKind = 'sender' | 'recipient';

/** Headers with HDR_OPT_SENDER in Postfix's header_opts table; the other address headers are recipient-type. */
const SENDER_HEADERS = new Set([
  'disposition-notification-to', 'errors-to', 'from', 'mail-followup-to', 'reply-to', 'resent-from',
  'resent-sender', 'return-path', 'return-receipt-to', 'sender',
]);

/** Whether a header's addresses are senders or recipients (for canonical maps and masquerading). */
export const headerAddressKind = (name: string): HeaderAddressKind => (SENDER_HEADERS.has(name.toLowerCase()) ? 'sender' : 'recipient');

/** header_address_token_limit when the caller gives none: no limit. */
const NO_TOKEN_LIMIT = 0;

/** Rewrite the address headers among content lines; the body lines are returned unchanged. */
export async function rewriteHeaderAddresses(lines: string[], rewrite: RewriteFn, tokenLimit = NO_TOKEN_LIMIT): Promise<string[]> {
  const { headers, body } = splitHeaders(lines);
  const out: string[] = [];
  for (const h of headers) {
    if (!ADDRESS_HEADERS.has(headerName(h))) {
      out.push(...h);
      continue;
    }
    out.push(...(await rewriteHeader(h, rewrite, tokenLimit)));
  }
  return [...out, ...body];
}

/** One header (its folded lines); the same lines when no address changed. */
export async function rewriteHeader(h: string[], rewrite: RewriteFn, tokenLimit = NO_TOKEN_LIMIT): Promise<string[]> {
  const text = h.join('\n');
  const colon = text.indexOf(':');
  const name = text.slice(0, colon).replace(/[ \t]+$/, '');
  const kind = headerAddressKind(name.trim());
  const toks = scan(text.slice(colon + 1));
  const items = parseAddressList(tokenLimit > 0 ? toks.slice(0, tokenLimit) : toks);
  let changed = false;
  for (const item of items) {
    if (!('addr' in item)) continue;
    const before = externalize(item.addr);
    const after = await rewrite(before, kind);
    if (after !== before) {
      changed = true;
      item.addr = scan(after);
    }
  }
  if (!changed) return h;
  return fold(`${name}: ${render(items)}`);
}

const isWord = (t: Tok) => t.type === 'atom' || t.type === 'qstring' || t.type === 'domlit';

/** Group the tokens of an address list into addresses and the tokens around them. */
export function parseAddressList(toks: Tok[]): Item[] {
  const items: Item[] = [];
  const hasGroupEnd = toks.some((t) => t.type === ';');
  let expr: Tok[] = [];
  const flush = () => {
    items.push(...parseExpression(expr));
    expr = [];
  };
  for (const t of toks) {
    if (t.type === ',') {
      flush();
      items.push({ tok: t });
    } else if (t.type === ':' && hasGroupEnd && !expr.some((e) => e.type === '<')) {
      // group phrase: kept as is, the addresses follow
      items.push(...expr.map((tok) => ({ tok })), { tok: { ...t, type: 'startgrp' } });
      expr = [];
    } else if (t.type === ';') {
      flush();
      items.push({ tok: t });
    } else {
      expr.push(t);
    }
  }
  flush();
  return items;
}

/** One comma-separated expression: "phrase <addr>" or "addr (comment)" (or several words). */
function parseExpression(expr: Tok[]): Item[] {
  if (expr.length === 0) return [];
  const close = expr.map((t) => t.type).lastIndexOf('>');
  const open = close >= 0 ? expr.slice(0, close).map((t) => t.type).lastIndexOf('<') : -1;
  if (open >= 0) {
    const inner = expr.slice(open + 1, close);
    return [
      ...expr.slice(0, open + 1).map((tok) => ({ tok })),
      ...(inner.length ? [{ addr: inner }] : []),
      ...expr.slice(close).map((tok) => ({ tok })),
    ];
  }
  // No route address: comments go behind; a word right after a word starts a new address.
  const comments = expr.filter((t) => t.type === 'comment');
  const addrs: Tok[][] = [];
  let prev: Tok | undefined;
  for (const t of expr) {
    if (t.type === 'comment') continue;
    if (!prev || (isWord(prev) && isWord(t))) addrs.push([]);
    addrs[addrs.length - 1].push(t);
    prev = t;
  }
  const items: Item[] = [];
  addrs.forEach((addr, k) => {
    if (k > 0) items.push({ tok: { type: ',', text: ',', owned: false } });
    items.push({ addr });
  });
  return [...items, ...comments.map((tok) => ({ tok }))];
}

const nonOperator = (i: Item) => 'addr' in i || ['atom', 'qstring', 'comment', 'domlit'].includes(i.tok.type);

/** The address list as Postfix writes it back: one address per line after each comma. */
function render(items: Item[]): string {
  let out = '';
  items.forEach((item, k) => {
    const next = items[k + 1];
    if ('addr' in item) out += externalize(item.addr);
    else if (item.tok.type === ',') {
      out += ',\n';
      return;
    } else if (item.tok.type === 'startgrp') out += ':';
    else if (item.tok.type === 'qstring') out += `"${item.tok.text.replace(/(["\\\r\n])/g, '\\$1')}"`;
    else if (item.tok.type === 'domlit') out += `[${item.tok.text.replace(/([\\\r\n])/g, '\\$1')}]`;
    else out += item.tok.text;
    if (!next) return;
    const tok = 'tok' in item ? item.tok : undefined;
    if (tok?.type === 'startgrp' || ('tok' in next && next.tok.type === '<') || (nonOperator(item) && nonOperator(next))) out += ' ';
  });
  return out;
}

/** Join address lines while the line stays under 70 characters; continuation lines get a TAB. */
function fold(text: string): string[] {
  const parts = text.split('\n');
  const lines: string[] = [parts[0]];
  for (const part of parts.slice(1)) {
    const last = lines[lines.length - 1];
    if (last.length + 1 + part.length < 70) lines[lines.length - 1] = `${last} ${part}`;
    else lines.push(part);
  }
  return lines.map((l, k) => (k > 0 && !/^[ \t]/.test(l) ? `\t${l}` : l));
}
