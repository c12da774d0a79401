/**
 * The message content as smtp(8) sends it (smtp_proto.c, the DATA phase): read line by line
 * through the MIME reader (global/mime-state.ts) when anything is to change on the way out —
 * the 8-bit to 7-bit downgrade for a next hop without 8BITMIME, the output checks
 * (smtp_header_checks, smtp_mime_header_checks, smtp_nested_header_checks, smtp_body_checks;
 * global/header-body-checks.ts) or the address rewriting of the primary headers
 * (smtp_generic_maps; `rewriteHeader`). Without output checks the reader looks at the
 * primary header block only (MIME_OPT_DISABLE_MIME), as Postfix's does. Otherwise the
 * content goes out as it is in the queue file. Called by smtp.ts after the server accepted
 * DATA.
 */
import { MimeState, type HeaderClass, type MimeItem } from '../../global/mime-state.ts';
import type { HeaderBodyChecks } from '../../global/header-body-checks.ts';

export interface MimeLimits {
  nestingLimit: number;
  boundaryLengthLimit: number;
  headerSizeLimit: number;
}

export interface OutputRewrite {
  /** Convert 8-bit entities to quoted-printable, with the MIME reader's limits. */
  downgrade?: MimeLimits;
  /** The reader's limits when not downgrading. */
  limits: MimeLimits;
  checks?: HeaderBodyChecks;
  /** A primary header with its addresses rewritten (smtp_generic_maps), or undefined to leave it. */
  rewriteHeader?: (header: string) => Promise<string | undefined>;
}

/** Does anything change the content on the way out? */
export function rewritesContent(o: OutputRewrite): boolean {
  return o.downgrade !== undefined || o.rewriteHeader !== undefined || (o.checks?.checksHeaders ?? false) || (o.checks?.checksBody ?? false);
}

/** The lines of a queue file's content (a byte string), without the final line end. */
function contentLines(content: Buffer): string[] {
  let text = content.toString('latin1');
  if (text.endsWith('\n')) text = text.slice(0, -1);
  return text === '' ? [] : text.split('\n');
}

/** One header through the checks of its class, then (primary headers) the address rewriting. */
async function outputHeader(header: string, where: HeaderClass, o: OutputRewrite): Promise<string[]> {
  const checked = o.checks ? await o.checks.header(header, where) : [header];
  const out: string[] = [];
  for (const h of checked) {
    const rewritten = where === 'primary' && o.rewriteHeader ? await o.rewriteHeader(h) : undefined;
    out.push(...(rewritten ?? h).split('\n'));
  }
  return out;
}

async function outputItem(item: MimeItem, o: OutputRewrite): Promise<string[]> {
  if ('header' in item) return outputHeader(item.header, item.class, o);
  return o.checks ? o.checks.body(item.body) : [item.body];
}

/** The content to send, changed as `o` says (the queue file's bytes when nothing changes). */
export async function outputContent(content: Buffer, o: OutputRewrite): Promise<Buffer> {
  if (!rewritesContent(o)) return content;
  const anyChecks = (o.checks?.checksHeaders ?? false) || (o.checks?.checksBody ?? false);
  const mime = new MimeState({
    disable: o.downgrade === undefined && !anyChecks,
    report8BitInHeader: false, report8BitIn7BitBody: false, reportEncodingDomain: false, reportNesting: false,
    ...(o.downgrade ?? o.limits), onError: () => undefined, downgrade: o.downgrade !== undefined,
  });
  const out: string[] = [];
  for (const line of contentLines(content)) for (const item of mime.line(line)) out.push(...(await outputItem(item, o)));
  for (const item of mime.finish()) out.push(...(await outputItem(item, o)));
  return Buffer.from(out.map((l) => `${l}\n`).join(''), 'latin1');
}
