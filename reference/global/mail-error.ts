/**
 * Postfix's classes of mail system errors (mail_error.h, mail_error.c): each failure a daemon
 * reports is of one class, and notify_classes (postconf(5)) names the classes the postmaster
 * is told about. Used by smtpd(8) for its postmaster notices (smtpd/chat-notify.ts).
 */
export const MAIL_ERROR = {
  POLICY: 1 << 0,
  PROTOCOL: 1 << 1,
  BOUNCE: 1 << 2,
  SOFTWARE: 1 << 3,
  RESOURCE: 1 << 4,
  BOUNCE2: 1 << 5,
  DELAY: 1 << 6,
  DATA: 1 << 7,
} as const;

/** The class names notify_classes takes. */
const CLASS_NAMES: Readonly<Record<string, number>> = {
  bounce: MAIL_ERROR.BOUNCE,
  '2bounce': MAIL_ERROR.BOUNCE2,
  data: MAIL_ERROR.DATA,
  delay: MAIL_ERROR.DELAY,
  policy: MAIL_ERROR.POLICY,
  protocol: MAIL_ERROR.PROTOCOL,
  resource: MAIL_ERROR.RESOURCE,
  software: MAIL_ERROR.SOFTWARE,
};

/** notify_classes as a mask; an unknown name is an error, as name_mask() makes it fatal. */
export function mailErrorMask(names: readonly string[]): number {
  let mask = 0;
  for (const name of names) {
    const bit = CLASS_NAMES[name.toLowerCase()];
    if (bit === undefined) throw new Error(`invalid notify_classes value: "${name}"`);
    mask |= bit;
  }
  return mask;
}
