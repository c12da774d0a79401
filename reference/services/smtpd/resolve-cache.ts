/**
 * smtpd's cache of trivial-rewrite resolve answers (smtpd_resolve.c: smtpd_resolve_addr()),
 * keyed by sender and address: smtpd_check_addr() while an envelope address is parsed and the
 * restrictions after it (check_rcpt_maps(), reject_unauth_destination …) ask about the same
 * address, and trivial-rewrite is asked once, so a table warning it logs is logged once. Postfix
 * keeps SMTPD_RESOLVE_CACHE_SIZE answers, dropping the least recently used. Used by createSmtpd
 * (smtpd.ts) for every session of its listener.
 *
 * Differs from Postfix: the cache lives as long as the listener (until stop or reload), where
 * Postfix's lives as long as one smtpd process, which serves one session at a time.
 */
import type { ResolveReply, TrivialRewriteClient } from '../contracts.ts';

/** smtpd_resolve_init(100) in smtpd.c: the number of answers kept. */
export const SMTPD_RESOLVE_CACHE_SIZE = 100;

/** `client` with resolve() answers remembered; rewrite() and resolveVerify() pass through. */
export function cachingResolver(client: TrivialRewriteClient, size = SMTPD_RESOLVE_CACHE_SIZE): TrivialRewriteClient {
  const answers = new Map<string, Promise<ResolveReply>>();
  const remember = (key: string, answer: Promise<ResolveReply>) => {
    answers.delete(key);
    answers.set(key, answer);
    if (answers.size > size) answers.delete(answers.keys().next().value!);
  };
  return {
    rewrite: (rule, address) => client.rewrite(rule, address),
    ...(client.resolveVerify ? { resolveVerify: client.resolveVerify.bind(client) } : {}),
    resolve(sender, address) {
      // ctable's key: the sender and the address, joined by a character neither can hold.
      const key = `${sender}\n${address}`;
      const answer = answers.get(key) ?? client.resolve(sender, address);
      remember(key, answer);
      answer.catch(() => answers.delete(key));
      return answer;
    },
  };
}
