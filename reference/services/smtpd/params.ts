/**
 * smtpd(8) ESMTP parameters of MAIL FROM (SIZE, BODY, SMTPUTF8, RET, ENVID: RFC 1870, 6152,
 * 6531, 3461) and RCPT TO (NOTIFY, ORCPT: RFC 3461), checked as mail_cmd() and rcpt_cmd() in
 * smtpd.c check them: each parameter either taken or refused with Postfix 3.7.11's reply.
 * Called by session.ts's MAIL and RCPT handlers.
 */
import { dsnNotifyMask } from '../../global/dsn-mask.ts';
import { reply, type SmtpReply } from './reply.ts';

/** The MAIL FROM parameters a transaction keeps. */
export interface MailParams {
  ret?: string;
  envid?: string;
  body?: string;
  smtputf8?: boolean;
}

/** What MAIL FROM's parameters gave, or the reply that refuses one of them; with the SIZE seen before either. */
export type MailParamsResult = { size?: number } & ({ params: MailParams } | { refuse: SmtpReply });

const unsupported = (param: string) => reply(555, '5.5.4', `Unsupported option: ${param}`);

/** MAIL FROM's parameters; SIZE is returned apart (it outlives a refused MAIL, as in Postfix). */
export function mailParams(given: readonly string[], smtputf8Enable: boolean): MailParamsResult {
  const params: MailParams = {};
  let size: number | undefined;
  for (const param of given) {
    const up = param.toUpperCase();
    if (up === 'BODY=8BITMIME' || up === 'BODY=7BIT') params.body = up.slice(5);
    else if (up.startsWith('SIZE=')) {
      if (!/^\d+$/.test(param.slice(5))) return { refuse: reply(501, '5.5.4', 'Bad message size syntax'), size };
      size = Number(param.slice(5));
    } else if (up === 'SMTPUTF8' && smtputf8Enable) params.smtputf8 = true;
    else if (up.startsWith('RET=') && (up === 'RET=FULL' || up === 'RET=HDRS') && !params.ret) params.ret = up.slice(4);
    else if (up.startsWith('ENVID=') && !params.envid) params.envid = param.slice(6);
    else return { refuse: unsupported(param), size };
  }
  return { params, size };
}

/** The DSN fields of one recipient. */
export interface RcptDsn {
  dsnNotify?: number;
  dsnOrcpt: string;
}

/** RCPT TO's parameters for the recipient `address` (external form), or the reply that refuses one. */
export function rcptParams(given: readonly string[], address: string): RcptDsn | { refuse: SmtpReply } {
  const dsn: RcptDsn = { dsnOrcpt: `rfc822;${address}` };
  let orcptGiven = false;
  for (const param of given) {
    const up = param.toUpperCase();
    if (up.startsWith('NOTIFY=') && dsn.dsnNotify === undefined) {
      const mask = dsnNotifyMask(up.slice(7).split(','));
      if (mask === 0) return { refuse: reply(501, '5.5.4', 'Error: Bad NOTIFY parameter syntax') };
      dsn.dsnNotify = mask;
    } else if (up.startsWith('ORCPT=') && !orcptGiven) {
      orcptGiven = true;
      dsn.dsnOrcpt = param.slice(6);
    } else {
      return { refuse: unsupported(param) };
    }
  }
  return dsn;
}
