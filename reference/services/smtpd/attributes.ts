/**
 * The named attributes smtpd(8) writes into a message's queue file (through cleanup), in the
 * order Postfix's smtpd writes them (mail_open_stream() in smtpd.c): the client as log lines
 * show it (log_*), the actual client and server (for Milters and postsuper -R), the address
 * family, the rewrite context (local_header_rewrite_clients), and the MAIL FROM parameters
 * AUTH (sasl_sender), ENVID, RET and BODY. cleanup puts sasl_sender, ENVID and RET before the
 * sender record, where smtpd writes them. Called by session.ts's DATA handler; names from global/mail-proto.ts.
 */
import {
  MAIL_ATTR_ACT_CLIENT_ADDR, MAIL_ATTR_ACT_CLIENT_AF, MAIL_ATTR_ACT_CLIENT_NAME, MAIL_ATTR_ACT_CLIENT_PORT, MAIL_ATTR_ACT_HELO_NAME,
  MAIL_ATTR_ACT_PROTO_NAME, MAIL_ATTR_ACT_REVERSE_CLIENT_NAME, MAIL_ATTR_ACT_SERVER_ADDR, MAIL_ATTR_ACT_SERVER_PORT, MAIL_ATTR_DSN_ENVID,
  MAIL_ATTR_DSN_RET, MAIL_ATTR_ENC_7BIT, MAIL_ATTR_ENC_8BIT, MAIL_ATTR_ENCODING, MAIL_ATTR_LOG_CLIENT_ADDR, MAIL_ATTR_LOG_CLIENT_NAME,
  MAIL_ATTR_LOG_CLIENT_PORT, MAIL_ATTR_LOG_HELO_NAME, MAIL_ATTR_LOG_ORIGIN, MAIL_ATTR_LOG_PROTO_NAME, MAIL_ATTR_RWR_CONTEXT,
  MAIL_ATTR_RWR_LOCAL, MAIL_ATTR_RWR_REMOTE, MAIL_ATTR_SASL_SENDER,
} from '../../global/mail-proto.ts';
import { DSN_RET_FULL, DSN_RET_HDRS } from '../../global/dsn-mask.ts';
import type { MailParams } from './params.ts';

/** The SMTP client and this end of its connection, as the session knows them. */
export interface ClientEndpoint {
  name: string;
  addr: string;
  port: number;
  /** "name[addr]". */
  namaddr: string;
  helo?: string;
  /** "SMTP" or "ESMTP". */
  protocol: string;
  serverAddr: string;
  serverPort: number;
  /** local_header_rewrite_clients matched the client. */
  localRewrite: boolean;
}

/** The address family as a number, as smtpd writes it: AF_INET (2) or AF_INET6 (10 on Linux). */
const AF_INET = 2;
const AF_INET6 = 10;

export function queueFileAttributes(c: ClientEndpoint, params: MailParams): Record<string, string> {
  const a: Record<string, string> = {
    [MAIL_ATTR_LOG_CLIENT_NAME]: c.name, [MAIL_ATTR_LOG_CLIENT_ADDR]: c.addr, [MAIL_ATTR_LOG_CLIENT_PORT]: String(c.port),
    [MAIL_ATTR_LOG_ORIGIN]: c.namaddr,
  };
  if (c.helo !== undefined) a[MAIL_ATTR_LOG_HELO_NAME] = c.helo;
  Object.assign(a, {
    [MAIL_ATTR_LOG_PROTO_NAME]: c.protocol, [MAIL_ATTR_ACT_CLIENT_NAME]: c.name, [MAIL_ATTR_ACT_REVERSE_CLIENT_NAME]: c.name,
    [MAIL_ATTR_ACT_CLIENT_ADDR]: c.addr, [MAIL_ATTR_ACT_CLIENT_PORT]: String(c.port),
    [MAIL_ATTR_ACT_SERVER_ADDR]: c.serverAddr, [MAIL_ATTR_ACT_SERVER_PORT]: String(c.serverPort),
  });
  if (c.helo !== undefined) a[MAIL_ATTR_ACT_HELO_NAME] = c.helo;
  a[MAIL_ATTR_ACT_PROTO_NAME] = c.protocol;
  a[MAIL_ATTR_ACT_CLIENT_AF] = String(c.addr.includes(':') ? AF_INET6 : AF_INET);
  a[MAIL_ATTR_RWR_CONTEXT] = c.localRewrite ? MAIL_ATTR_RWR_LOCAL : MAIL_ATTR_RWR_REMOTE;
  if (params.authSender !== undefined) a[MAIL_ATTR_SASL_SENDER] = params.authSender;
  if (params.envid) a[MAIL_ATTR_DSN_ENVID] = params.envid;
  if (params.ret) a[MAIL_ATTR_DSN_RET] = String(params.ret === 'FULL' ? DSN_RET_FULL : DSN_RET_HDRS);
  if (params.body) a[MAIL_ATTR_ENCODING] = params.body === '8BITMIME' ? MAIL_ATTR_ENC_8BIT : MAIL_ATTR_ENC_7BIT;
  return a;
}
