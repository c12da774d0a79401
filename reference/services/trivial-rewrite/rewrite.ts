/**
 * trivial-rewrite's "rewrite" step: bring an address to canonical user@domain.tld form
 * (trivial-rewrite(8) "ADDRESS REWRITING"; postfix-internals.md §2.3). Used by the rewrite request
 * and, in local context, by the resolver's loop.
 *
 * Contexts: local uses $myorigin / $mydomain; remote uses $remote_header_rewrite_domain for both
 * (empty: nothing is appended).
 */
import { appendToks, externalize, lastIndexOfType, op, prependToks, scan, type Tok } from '../../global/tok822.ts';

export interface RewriteSettings {
  swapBangpath: boolean;
  percentHack: boolean;
  appendAtMyorigin: boolean;
  appendDotMydomain: boolean;
}

export interface RewriteContext {
  origin: string;
  domain: string;
}

/** Rewrite a token list in place. */
export function rewriteTokens(s: RewriteSettings, ctx: RewriteContext, toks: Tok[]): void {
  if (toks.length === 0) throw new Error('rewriteTokens: empty address');
  // The empty address "" stays as it is.
  if (toks.length === 1 && toks[0].type === 'qstring' && toks[0].text === '') return;
  // A lone @ is treated as the empty address.
  if (toks.length === 1 && toks[0].type === '@') {
    toks.length = 0;
    appendToks(toks, [{ type: 'qstring', text: '', owned: false }]);
    return;
  }
  // Strip a source route: @a,@b:user@domain → user@domain.
  if (toks[0].type === '@') {
    const colon = toks.findIndex((t) => t.type === ':');
    if (colon >= 0 && colon !== toks.length - 1) toks.splice(0, colon + 1);
  }
  // Forms without @: site!user, user%site, bare user.
  if (lastIndexOfType(toks, '@') < 0) {
    const bang = s.swapBangpath ? toks.findIndex((t) => t.type === '!') : -1;
    const percent = lastIndexOfType(toks, '%');
    if (bang >= 0) {
      const local = toks.slice(bang + 1);
      toks.splice(bang); // keep the site part
      prependToks(toks, [op('@')]);
      if (local.length) prependToks(toks, local);
    } else if (s.percentHack && percent >= 0) {
      toks[percent] = { ...toks[percent], type: '@', text: '@' };
    } else if (s.appendAtMyorigin && ctx.origin) {
      appendToks(toks, [op('@')]);
      appendToks(toks, scan(ctx.origin));
    }
  }
  // Append .mydomain to a dot-less domain (not to a literal, not to a bare trailing @).
  const at = lastIndexOfType(toks, '@');
  if (
    s.appendDotMydomain && ctx.domain && at >= 0 && at !== toks.length - 1 &&
    !toks.slice(at).some((t) => t.type === 'domlit' || t.type === '.')
  ) {
    appendToks(toks, [op('.')]);
    appendToks(toks, scan(ctx.domain));
  }
  // Strip one trailing dot, but not after "." or "@".
  const n = toks.length;
  if (toks[n - 1].type === '.' && n > 1 && toks[n - 2].type !== '.' && toks[n - 2].type !== '@') toks.pop();
}

/** The rewrite request: external (quoted) form in, external form out. */
export function rewriteAddress(s: RewriteSettings, ctx: RewriteContext, address: string): string {
  if (address === '') return ''; // Postfix logs "rewrite_addr: null address" and echoes it
  const toks = scan(address);
  if (toks.length === 0) return ''; // only blanks: nothing to rewrite
  rewriteTokens(s, ctx, toks);
  return externalize(toks);
}
