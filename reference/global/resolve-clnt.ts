/**
 * The flags of a trivial-rewrite resolve reply (resolve_clnt.h): request outcome bits and the
 * address class of the recipient's domain. Set by trivial-rewrite's resolver; read by qmgr
 * (FAIL: defer with "address resolver failure") and smtpd's restrictions (the class decides
 * reject_unauth_destination and the local recipient check).
 */

/** Final delivery (documented as unused). */
export const RESOLVE_FLAG_FINAL = 1 << 0;
/** The local part still holds routing operators (@ ! %) after resolution. */
export const RESOLVE_FLAG_ROUTED = 1 << 1;
/** Bad destination syntax. */
export const RESOLVE_FLAG_ERROR = 1 << 2;
/** The request failed (a table lookup error). */
export const RESOLVE_FLAG_FAIL = 1 << 3;

/** The domain is $mydestination, or [address] of $inet_interfaces / $proxy_interfaces. */
export const RESOLVE_CLASS_LOCAL = 1 << 8;
/** The domain is in $virtual_alias_domains. */
export const RESOLVE_CLASS_ALIAS = 1 << 9;
/** The domain is in $virtual_mailbox_domains. */
export const RESOLVE_CLASS_VIRTUAL = 1 << 10;
/** The domain is in $relay_domains. */
export const RESOLVE_CLASS_RELAY = 1 << 11;
/** Any other domain (what reject_unauth_destination refuses). */
export const RESOLVE_CLASS_DEFAULT = 1 << 12;

/** Classes of mail this machine delivers itself. */
export const RESOLVE_CLASS_FINAL = RESOLVE_CLASS_LOCAL | RESOLVE_CLASS_ALIAS | RESOLVE_CLASS_VIRTUAL;
