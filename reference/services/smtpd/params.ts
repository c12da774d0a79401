/**
 * smtpd(8) ESMTP parameters of MAIL FROM (SIZE, BODY, SMTPUTF8, RET, ENVID: RFC 1870, 6152,
 * 6531, 3461; XVERP, Postfix's own, for clients smtpd_authorized_verp_clients matches) and RCPT TO (NOTIFY, ORCPT: RFC 3461), checked as mail_cmd() and rcpt_cmd() in
 * smtpd.c check them: each parameter either taken or refused with Postfix 3.7.11's reply.
 * ENVID and the address of ORCPT are stored decoded (xtext, or uxtext for an ORCPT of type
 * "utf-8"), as Postfix stores them; smtp(8) encodes them again. Called by session.ts's MAIL
 * and RCPT handlers.
 */
import { printableText } from '../../global/printable.ts';
import { dsnNotifyParse } from '../../global/dsn-mask.ts';
import { uxtextUnquote, xtextUnquote } from '../../global/xtext.ts';
import { reply, type SmtpReply } from './reply.ts';
import { verpDelimitersProblem } from '../../global/verp.ts';

/** The MAIL FROM parameters a transaction keeps. */
export interface MailParams {
  ret?: string;
  /** ENVID, xtext-decoded. */
  envid?: string;
  body?: string;
  smtputf8?: boolean;
  /** AUTH= (RFC 4954 section 5) other than "<>", non-printable characters as "?". */
  authSender?: string;
  /** XVERP: the two VERP delimiters (default_verp_delimiters for a bare XVERP). */
  verp?: string;
}

/** XVERP for an authorized client: default_verp_delimiters and verp_delimiter_filter. */
export interface VerpOptions {
  delimiters: string;
  filter: string;
}

/** The XVERP parameter's name (smtpd.c VERP_CMD). */
const XVERP = 'XVERP';

/**
 * What MAIL FROM's parameters gave, or the reply that refuses one of them; with the SIZE and
 * AUTH= seen before either (Postfix keeps both in its session state even when MAIL fails).
 */
export type MailParamsResult = { size?: number; authSender?: string } & ({ params: MailParams } | { refuse: SmtpReply });

const unsupported = (param: string) => reply(555, '5.5.4', `Unsupported option: ${param}`);

/** RET= values (dsn_ret_code(): either case). */
const RET_VALUES = new Set(['FULL', 'HDRS']);

/** The largest SIZE= Postfix can hold (off_t); a larger one is "552 5.3.4 ... file system imposed limit". */
const MAX_OFF_T = 2n ** 63n - 1n;

/** AUTH=<>: no sender identity, nothing kept. */
const NULL_AUTH = '<>';

/** Printable ASCII, at least one character (allprint()): what a decoded ENVID must be. */
const ALL_PRINT = /^[\x20-\x7e]+$/;

/** The value after "NAME=" when `param` is that parameter (any case), else undefined. */
function valueOf(param: string, name: string): string | undefined {
  return param.slice(0, name.length + 1).toUpperCase() === `${name}=` ? param.slice(name.length + 1) : undefined;
}

/** What off_cvt_string() gives for a number an off_t cannot hold; smtpd keeps it as the size. */
const OFF_T_OVERFLOW = -1;

/** SIZE=: digits only (RFC 1870 section 6); OFF_T_OVERFLOW beyond what an off_t holds. */
function sizeValue(value: string): number | SmtpReply {
  if (!/^\d+$/.test(value)) return reply(501, '5.5.4', 'Bad message size syntax');
  if (BigInt(value) > MAX_OFF_T) return OFF_T_OVERFLOW;
  return Number(value);
}

/**
 * MAIL FROM's parameters, in the order given; the first bad one refuses the command. SIZE is
 * returned apart: Postfix keeps a SIZE it has parsed even when the MAIL command then fails.
 */
export function mailParams(given: readonly string[], smtputf8Enable: boolean, authBefore?: string, verp?: VerpOptions): MailParamsResult {
  const params: MailParams = {};
  let size: number | undefined;
  let authSender = authBefore;
  const refuse = (r: SmtpReply): MailParamsResult => ({ refuse: r, size, authSender });
  for (const param of given) {
    const up = param.toUpperCase();
    const auth = valueOf(param, 'AUTH');
    const sizeText = valueOf(param, 'SIZE');
    const ret = valueOf(param, 'RET');
    const envid = valueOf(param, 'ENVID');
    const verpDelims = verp ? valueOf(param, XVERP) : undefined;
    if (verp && up === XVERP) params.verp = verp.delimiters;
    else if (verp && verpDelims !== undefined) {
      // XVERP=xy: two characters of verp_delimiter_filter (verp_delims_verify())
      if (verpDelimitersProblem(verpDelims, verp.filter)) return refuse(reply(501, '5.5.4', `Error: ${XVERP} needs two characters from ${verp.filter}`));
      params.verp = verpDelims;
    } else if (up === 'BODY=8BITMIME' || up === 'BODY=7BIT') params.body = up.slice(5);
    else if (sizeText !== undefined) {
      const parsed = sizeValue(sizeText);
      if (typeof parsed !== 'number') return refuse(parsed);
      size = parsed;
      // mail_cmd(): the overflow is refused, and the size it leaves (negative) is under any limit
      if (size === OFF_T_OVERFLOW) return refuse(reply(552, '5.3.4', 'Message size exceeds file system imposed limit'));
    } else if (up === 'SMTPUTF8' && smtputf8Enable) params.smtputf8 = true;
    else if (auth !== undefined) {
      // Taken even where AUTH is not enabled (smtpd_sasl_mail_opt()); a second identity is refused.
      if (authSender !== undefined) return refuse(reply(503, '5.5.4', 'Error: multiple AUTH= options'));
      if (auth !== NULL_AUTH) authSender = printableText(auth, true);
    }
    else if (ret !== undefined) {
      // RFC 3461 section 4.3: once, FULL or HDRS.
      if (params.ret !== undefined || !RET_VALUES.has(ret.toUpperCase())) return refuse(reply(501, '5.5.4', 'Bad RET parameter syntax'));
      params.ret = ret.toUpperCase();
    } else if (envid !== undefined) {
      // RFC 3461 section 4.4: once, xtext of printable ASCII.
      const decoded = xtextUnquote(envid);
      if (params.envid !== undefined || decoded === undefined || !ALL_PRINT.test(decoded)) {
        return refuse(reply(501, '5.5.4', 'Bad ENVID parameter syntax'));
      }
      params.envid = decoded;
    } else return refuse(unsupported(param));
  }
  if (authSender !== undefined) params.authSender = authSender;
  return { params, size, authSender };
}

/** The DSN fields of one recipient. */
export interface RcptDsn {
  dsnNotify?: number;
  /** "type;address", the address decoded. */
  dsnOrcpt: string;
}

/** An ORCPT= value "addr-type;xtext" (RFC 3461 section 4.2) decoded, or undefined when malformed. */
function orcptValue(value: string): string | undefined {
  const semi = value.indexOf(';');
  if (semi <= 0) return undefined;
  const type = value.slice(0, semi);
  const addr = type.toLowerCase() === 'utf-8' ? uxtextUnquote(value.slice(semi + 1)) : xtextUnquote(value.slice(semi + 1));
  return addr === undefined ? undefined : `${type};${addr}`;
}

/**
 * RCPT TO's parameters for the recipient `token` (the address argument as sent, "<>" removed,
 * what ORCPT defaults to), or the reply that refuses one. `warn` logs what Postfix warns about
 * (an unknown NOTIFY word).
 */
export function rcptParams(given: readonly string[], token: string, warn: (text: string) => void): RcptDsn | { refuse: SmtpReply } {
  let notify: number | undefined;
  let orcpt: string | undefined;
  for (const param of given) {
    const notifyText = valueOf(param, 'NOTIFY');
    const orcptText = valueOf(param, 'ORCPT');
    if (notifyText !== undefined) {
      const parsed = notify === undefined ? dsnNotifyParse(notifyText) : { mask: 0 };
      if ('unknown' in parsed) warn(`unknown DSN NOTIFY command value "${parsed.unknown}" in "${notifyText}"`);
      if (!('mask' in parsed) || parsed.mask === 0) return { refuse: reply(501, '5.5.4', 'Error: Bad NOTIFY parameter syntax') };
      notify = parsed.mask;
    } else if (orcptText !== undefined) {
      const decoded = orcpt === undefined ? orcptValue(orcptText) : undefined;
      if (decoded === undefined) return { refuse: reply(501, '5.5.4', 'Error: Bad ORCPT parameter syntax') };
      orcpt = decoded;
    } else {
      return { refuse: unsupported(param) };
    }
  }
  return { ...(notify !== undefined ? { dsnNotify: notify } : {}), dsnOrcpt: orcpt ?? `rfc822;${token}` };
}
