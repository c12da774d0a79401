/**
 * Attribute names of Postfix's internal protocols and queue files (mail_proto.h), for the ones
 * the reference reads or writes, with the request kinds of each service's client header
 * (dict_proxy.h, flush_clnt.h, verify_clnt.h, anvil_clnt.h). Request and reply attributes of
 * the services (trivial-rewrite, proxymap, verify, flush, anvil) and the `A name=value` records
 * of queue files use these names.
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
export const MAIL_ATTR_SITE = 'site';
export const MAIL_ATTR_QUEUEID = 'queue_id';
export const MAIL_ATTR_ADDR_STATUS = 'recipient_status';
export const MAIL_ATTR_WHY = 'reason';

/* trivial-rewrite request kinds (MAIL_ATTR_REQ values) and rewrite contexts. */
export const REWRITE_ADDR = 'rewrite';
export const RESOLVE_REGULAR = 'resolve';
export const RESOLVE_VERIFY = 'verify';
export const MAIL_ATTR_RWR_LOCAL = 'local';
export const MAIL_ATTR_RWR_REMOTE = 'remote';

/* proxymap(8) request kinds (dict_proxy.h). */
export const PROXY_REQ_OPEN = 'open';
export const PROXY_REQ_LOOKUP = 'lookup';
export const PROXY_REQ_UPDATE = 'update';
export const PROXY_REQ_DELETE = 'delete';
export const PROXY_REQ_SEQUENCE = 'sequence';

/* flush(8) request kinds (flush_clnt.h). */
export const FLUSH_REQ_ADD = 'add';
export const FLUSH_REQ_SEND_SITE = 'send_site';
export const FLUSH_REQ_SEND_FILE = 'send_file';
export const FLUSH_REQ_REFRESH = 'rfrsh';
export const FLUSH_REQ_PURGE = 'purge';

/* verify(8) request kinds (verify_clnt.h). */
export const VRFY_REQ_QUERY = 'query';
export const VRFY_REQ_UPDATE = 'update';

/* anvil(8): its request attribute is MAIL_ATTR_REQ's "request"; kinds and the other attributes (anvil_clnt.h). */
export const ANVIL_REQ_CONN = 'connect';
export const ANVIL_REQ_DISC = 'disconnect';
export const ANVIL_REQ_MAIL = 'message';
export const ANVIL_REQ_RCPT = 'recipient';
export const ANVIL_REQ_NTLS = 'newtls';
export const ANVIL_REQ_NTLS_STAT = 'newtls_status';
export const ANVIL_REQ_AUTH = 'auth';
export const ANVIL_REQ_LOOKUP = 'lookup';
export const ANVIL_ATTR_IDENT = 'ident';
export const ANVIL_ATTR_COUNT = 'count';
export const ANVIL_ATTR_RATE = 'rate';
export const ANVIL_ATTR_MAIL = 'mail';
export const ANVIL_ATTR_RCPT = 'rcpt';
export const ANVIL_ATTR_NTLS = 'newtls';
export const ANVIL_ATTR_AUTH = 'auth';

/* Queue-file attributes. */
export const MAIL_ATTR_TRACE_FLAGS = 'trace_flags';
/* What the client looked like, for log lines (smtpd writes these first). */
export const MAIL_ATTR_LOG_CLIENT_NAME = 'log_client_name';
export const MAIL_ATTR_LOG_CLIENT_ADDR = 'log_client_address';
export const MAIL_ATTR_LOG_CLIENT_PORT = 'log_client_port';
export const MAIL_ATTR_LOG_ORIGIN = 'log_message_origin';
export const MAIL_ATTR_LOG_HELO_NAME = 'log_helo_name';
export const MAIL_ATTR_LOG_PROTO_NAME = 'log_protocol_name';
/* The actual client, for Milters and postsuper -R. */
export const MAIL_ATTR_ACT_CLIENT_NAME = 'client_name';
export const MAIL_ATTR_ACT_REVERSE_CLIENT_NAME = 'reverse_client_name';
export const MAIL_ATTR_ACT_CLIENT_ADDR = 'client_address';
export const MAIL_ATTR_ACT_CLIENT_PORT = 'client_port';
export const MAIL_ATTR_ACT_SERVER_ADDR = 'server_address';
export const MAIL_ATTR_ACT_SERVER_PORT = 'server_port';
export const MAIL_ATTR_ACT_HELO_NAME = 'helo_name';
export const MAIL_ATTR_ACT_PROTO_NAME = 'protocol_name';
export const MAIL_ATTR_ACT_CLIENT_AF = 'client_address_type';
export const MAIL_ATTR_CREATE_TIME = 'create_time';
export const MAIL_ATTR_RWR_CONTEXT = 'rewrite_context';
export const MAIL_ATTR_ENCODING = 'encoding';
export const MAIL_ATTR_ENC_8BIT = '8bit';
export const MAIL_ATTR_ENC_7BIT = '7bit';
export const MAIL_ATTR_SASL_SENDER = 'sasl_sender';
/** SMTPUTF8_FLAG_REQUESTED (smtputf8.h), in the size record: the sender asked for SMTPUTF8 (MAIL FROM ... SMTPUTF8). */
export const SMTPUTF8_FLAG_REQUESTED = 1 << 0;
/** SMTPUTF8_FLAG_HEADER: cleanup wrote a header with 8-bit text (smtputf8_enable = yes). */
export const SMTPUTF8_FLAG_HEADER = 1 << 1;
/** SMTPUTF8_FLAG_SENDER: the envelope sender is UTF-8, not ASCII (smtputf8_enable = yes). */
export const SMTPUTF8_FLAG_SENDER = 1 << 2;
/** SMTPUTF8_FLAG_RECIPIENT: a recipient of this delivery is UTF-8 (qmgr adds it; delivery requests only). */
export const SMTPUTF8_FLAG_RECIPIENT = 1 << 3;
export const MAIL_ATTR_DSN_ENVID = 'envelope_id';
export const MAIL_ATTR_DSN_RET = 'ret_flags';
export const MAIL_ATTR_DSN_NOTIFY = 'notify_flags';
export const MAIL_ATTR_DSN_ORCPT = 'dsn_orig_rcpt';
