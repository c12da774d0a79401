/**
 * trivial-rewrite behind Postfix's private/rewrite socket protocol (trivial-rewrite(8),
 * postfix-internals.md §2.1): announces `trivial_rewrite_protocol`, then serves
 *   request=rewrite  rule address          → flags address
 *   request=resolve  sender address        → flags transport nexthop recipient flags
 *   request=verify   sender address        → the same, address_verify_* personality
 * The first `flags` is the server flags (always 0 here), the second the resolve flags. Requests
 * must carry exactly these attributes in this order; anything else drops the client, as
 * Postfix's STRICT parsing does.
 */
import type { ResolveReply, TrivialRewriteClient } from '../contracts.ts';
import { attrInt, PROTOCOL_NAMES, type AttrList } from '../../protocol/attr.ts';
import { serveAttrProtocol, type RunningServer } from '../../protocol/server.ts';

const names = (list: AttrList) => list.map(([n]) => n).join(',');

function resolveReply(r: ResolveReply): AttrList {
  return [['flags', '0'], ['transport', r.transport], ['nexthop', r.nexthop], ['recipient', r.recipient], ['flags', attrInt(r.flags)]];
}

export async function handleRewriteRequest(impl: TrivialRewriteClient, req: AttrList): Promise<AttrList | null> {
  const kind = req[0]?.[0] === 'request' ? req[0][1] : undefined;
  if (kind === 'rewrite' && names(req) === 'request,rule,address') {
    const rule = req[1][1];
    if (rule !== 'local' && rule !== 'remote') return null;
    const { address } = await impl.rewrite(rule, req[2][1]);
    return [['flags', '0'], ['address', address]];
  }
  if ((kind === 'resolve' || kind === 'verify') && names(req) === 'request,sender,address') {
    const sender = req[1][1];
    const address = req[2][1];
    if (kind === 'verify') {
      if (!impl.resolveVerify) return null;
      return resolveReply(await impl.resolveVerify(sender, address));
    }
    return resolveReply(await impl.resolve(sender, address));
  }
  return null;
}

/** Serve `impl` at socketPath (e.g. $queue_directory/private/rewrite). */
export function serveTrivialRewrite(socketPath: string, impl: TrivialRewriteClient): Promise<RunningServer> {
  return serveAttrProtocol(socketPath, {
    protocol: PROTOCOL_NAMES.rewrite,
    handle: (req) => handleRewriteRequest(impl, req),
  });
}
