/**
 * Attribute names of Postfix's internal protocols and queue files (mail_proto.h), for the ones
 * the reference reads or writes. Request and reply attributes of the services (trivial-rewrite,
 * proxymap, verify, flush) and the `A name=value` records of queue files use these names.
 */

/* Requests and replies. */
export const MAIL_ATTR_REQ = 'request';
export const MAIL_ATTR_STATUS = 'status';
export const MAIL_ATTR_FLAGS = 'flags';
export const MAIL_ATTR_SENDER = 'sender';
export const MAIL_ATTR_RECIP = 'recipient';
export const MAIL_ATTR_RULE = 'rule';
export const MAIL_ATTR_ADDR = 'address';
export const MAIL_ATTR_TRANSPORT = 'transport';
export const MAIL_ATTR_NEXTHOP = 'nexthop';
export const MAIL_ATTR_TABLE = 'table';
export const MAIL_ATTR_KEY = 'key';
export const MAIL_ATTR_VALUE = 'value';
export const MAIL_ATTR_FUNC = 'function';

/* trivial-rewrite request kinds (MAIL_ATTR_REQ values) and rewrite contexts. */
export const REWRITE_ADDR = 'rewrite';
export const RESOLVE_REGULAR = 'resolve';
export const RESOLVE_VERIFY = 'verify';
export const MAIL_ATTR_RWR_LOCAL = 'local';
export const MAIL_ATTR_RWR_REMOTE = 'remote';

/* Queue-file attributes. */
export const MAIL_ATTR_TRACE_FLAGS = 'trace_flags';
export const MAIL_ATTR_CREATE_TIME = 'create_time';
export const MAIL_ATTR_RWR_CONTEXT = 'rewrite_context';
export const MAIL_ATTR_ENCODING = 'encoding';
export const MAIL_ATTR_DSN_ENVID = 'envelope_id';
export const MAIL_ATTR_DSN_RET = 'ret_flags';
export const MAIL_ATTR_DSN_NOTIFY = 'notify_flags';
export const MAIL_ATTR_DSN_ORCPT = 'dsn_orig_rcpt';
