/**
 * trivial-rewrite behind Postfix's private/rewrite socket protocol (trivial-rewrite(8),
 * postfix-internals.md §2.1): announces `trivial_rewrite_protocol`, then serves
 *   request=rewrite  rule address          → flags address
 *   request=resolve  sender address        → flags transport nexthop recipient flags
 *   request=verify   sender address        → the same, address_verify_* personality
 * The first `flags` is the server flags (always 0 here), the second the resolve flags. Requests
 * must carry these attributes in this order; a missing, misnamed or misplaced one drops the
 * client, as Postfix's STRICT parsing does. Attributes after them are passed over: Postfix 3.7.11
 * answers such a request, and the next one on the connection too (seen with
 * harness/clients/rewrite.differential.test.ts).
 */
import type { ResolveReply, TrivialRewriteClient } from '../contracts.ts';
import { attrInt, attrNames, PROTOCOL_NAMES, type AttrList } from '../../protocol/attr.ts';
import { serveAttrProtocol, type RunningServer } from '../../skeleton/multi-server.ts';
import {
  MAIL_ATTR_ADDR, MAIL_ATTR_FLAGS, MAIL_ATTR_NEXTHOP, MAIL_ATTR_RECIP, MAIL_ATTR_REQ, MAIL_ATTR_RULE, MAIL_ATTR_RWR_LOCAL,
  MAIL_ATTR_RWR_REMOTE, MAIL_ATTR_SENDER, MAIL_ATTR_TRANSPORT, RESOLVE_REGULAR, RESOLVE_VERIFY, REWRITE_ADDR,
} from '../../global/mail-proto.ts';

/** The attribute names each request must carry, in this order (STRICT parsing). */
const REWRITE_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_RULE, MAIL_ATTR_ADDR].join(',');
const RESOLVE_REQUEST = [MAIL_ATTR_REQ, MAIL_ATTR_SENDER, MAIL_ATTR_ADDR].join(',');
/** Both kinds carry three attributes. */
const REQUEST_LENGTH = 3;

/** The names of the request's first attributes, those its kind must carry (any after them are passed over). */
const carried = (req: AttrList): string => attrNames(req.slice(0, REQUEST_LENGTH));

/** The server flags (always 0 here) come first, the resolve flags last. */
function resolveReply(r: ResolveReply): AttrList {
  return [
    [MAIL_ATTR_FLAGS, '0'], [MAIL_ATTR_TRANSPORT, r.transport], [MAIL_ATTR_NEXTHOP, r.nexthop], [MAIL_ATTR_RECIP, r.recipient],
    [MAIL_ATTR_FLAGS, attrInt(r.flags)],
  ];
}

export async function handleRewriteRequest(impl: TrivialRewriteClient, req: AttrList): Promise<AttrList | null> {
  const kind = req[0]?.[0] === MAIL_ATTR_REQ ? req[0][1] : undefined;
  if (kind === REWRITE_ADDR && carried(req) === REWRITE_REQUEST) {
    const rule = req[1][1];
    if (rule !== MAIL_ATTR_RWR_LOCAL && rule !== MAIL_ATTR_RWR_REMOTE) return null;
    const { address } = await impl.rewrite(rule, req[2][1]);
    return [[MAIL_ATTR_FLAGS, '0'], [MAIL_ATTR_ADDR, address]];
  }
  if ((kind === RESOLVE_REGULAR || kind === RESOLVE_VERIFY) && carried(req) === RESOLVE_REQUEST) {
    const sender = req[1][1];
    const address = req[2][1];
    if (kind === RESOLVE_VERIFY) {
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
