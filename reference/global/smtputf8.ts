/**
 * SMTPUTF8 autodetection (smtputf8.c, smtputf8_autodetect()): whether cleanup(8) should request
 * SMTPUTF8 itself for mail of a given source class when it finds UTF-8 in the envelope or in a
 * header. A client that did not get SMTPUTF8 from its own client asks cleanup with the flag
 * CLEANUP_FLAG_AUTOUTF8 when its class is named in smtputf8_autodetect_classes (default
 * "sendmail, verify"). Called by the cleanup clients: smtpd (class smtpd, only without MAIL
 * FROM's SMTPUTF8), pickup (sendmail), local's forwarding (forward), bounce (bounce), smtpd's
 * postmaster notices (notify) and verify's probes (verify).
 *
 * Differs from Postfix: a name that is not a class is ignored, where Postfix's name_mask()
 * stops the daemon with a fatal error.
 */

/** The mail source classes (mail_proto.h, MAIL_SRC_NAME_*), as smtputf8_autodetect_classes names them. */
export type MailSourceClass = 'sendmail' | 'smtpd' | 'qmqpd' | 'forward' | 'bounce' | 'notify' | 'verify';

/** The name that stands for every class (MAIL_SRC_NAME_ALL). */
const ALL_CLASSES = 'all';

/** CLEANUP_FLAG_AUTOUTF8 for mail of `source`: its class is listed in smtputf8_autodetect_classes (the parameter's value). */
export function smtputf8Autodetect(autodetectClasses: string, source: MailSourceClass): boolean {
  return autodetectClasses.split(/[\s,]+/).some((name) => {
    const n = name.toLowerCase();
    return n === ALL_CLASSES || n === source;
  });
}
