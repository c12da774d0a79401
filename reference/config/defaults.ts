/**
 * Default values of main.cf parameters, as `postconf -d` shows them for Postfix 3.7.11 on
 * Debian (postconf(5)). The static values live in the generated defaults-table.ts; this module
 * adds what Postfix computes at run time:
 *
 *   myhostname   the host name; when it has no dot, ".$mydomain" (or ".localdomain") is appended
 *   mydomain     myhostname minus its first label, or "localdomain"
 *   mynetworks   the networks of this host's interfaces, per $mynetworks_style (host/subnet/class)
 *   process_id, process_name
 *
 * and the per-service parameters that postconf(5) defines for every master.cf transport
 * ("<service>_destination_concurrency_limit" = $default_destination_concurrency_limit, ...).
 *
 * Debian 12 specifics seen in the table: compatibility_level defaults to 0 (Debian's stock
 * main.cf sets 3.6), so the ${{$compatibility_level} <level {N} ? ...} defaults take their
 * backwards-compatible branch unless main.cf sets compatibility_level.
 */
import { hostname, networkInterfaces } from 'node:os';
import { DEFAULTS_TABLE } from './defaults-table.ts';

/** How a computed default reads other settings. */
export interface SettingLookup {
  /** The expanded value of name when main.cf (or an override) sets it, else undefined. */
  set(name: string): string | undefined;
  /** The expanded effective value of name (set or default). */
  get(name: string): string;
}

/**
 * Parameters whose value postconf -x and the daemons do NOT expand at configuration time; they
 * are expanded later with per-delivery or per-session attributes ($home, $user, $client ...).
 */
export const RAW_PARAMETERS: ReadonlySet<string> = new Set([
  'exec_directory',
  'forward_path',
  'mailbox_command',
  'luser_relay',
  'smtpd_expansion_filter',
  'default_rbl_reply',
  'smtpd_reject_footer',
  'postscreen_reject_footer',
  'postscreen_expansion_filter',
]);

/** Suffixes of per-service parameters and the parameter their default refers to. */
export const SERVICE_PARAMETER_SUFFIXES: Readonly<Record<string, string>> = {
  _time_limit: 'command_time_limit',
  _recipient_limit: 'default_recipient_limit',
  _extra_recipient_limit: 'default_extra_recipient_limit',
  _recipient_refill_limit: 'default_recipient_refill_limit',
  _recipient_refill_delay: 'default_recipient_refill_delay',
  _delivery_slot_cost: 'default_delivery_slot_cost',
  _delivery_slot_loan: 'default_delivery_slot_loan',
  _delivery_slot_discount: 'default_delivery_slot_discount',
  _minimum_delivery_slots: 'default_minimum_delivery_slots',
  _initial_destination_concurrency: 'initial_destination_concurrency',
  _destination_concurrency_limit: 'default_destination_concurrency_limit',
  _destination_recipient_limit: 'default_destination_recipient_limit',
  _destination_concurrency_positive_feedback: 'default_destination_concurrency_positive_feedback',
  _destination_concurrency_negative_feedback: 'default_destination_concurrency_negative_feedback',
  _destination_concurrency_failed_cohort_limit: 'default_destination_concurrency_failed_cohort_limit',
  _destination_rate_delay: 'default_destination_rate_delay',
  _transport_rate_delay: 'default_transport_rate_delay',
};

const DEF_MYDOMAIN = 'localdomain';

/** Names with a default computed from the host or from other settings. */
export const HOST_DERIVED: ReadonlySet<string> = new Set(['myhostname', 'mydomain', 'mynetworks', 'process_id', 'process_name']);

/**
 * The raw default of name, or undefined when Postfix knows no such parameter. `setting` reads
 * other parameters (used by the host-derived defaults).
 */
export function defaultRaw(name: string, setting: SettingLookup): string | undefined {
  switch (name) {
    case 'myhostname':
      return defaultMyhostname(setting);
    case 'mydomain':
      return defaultMydomain(setting.set('myhostname') ?? defaultMyhostname(setting));
    case 'mynetworks':
      return defaultMynetworks(setting.get('mynetworks_style'), setting.get('inet_protocols'));
    case 'process_id':
      return String(process.pid);
    case 'process_name':
      return 'twinpost';
  }
  if (Object.hasOwn(DEFAULTS_TABLE, name)) return DEFAULTS_TABLE[name];
  return serviceParameterDefault(name);
}

/** Every parameter name in the static table (host-derived ones included). */
export function defaultNames(): string[] {
  return Object.keys(DEFAULTS_TABLE);
}

/** "<service>_<suffix>" → "$<default>", for any service name (postconf limits it to master.cf services). */
export function serviceParameterDefault(name: string): string | undefined {
  let best: string | undefined;
  for (const suffix of Object.keys(SERVICE_PARAMETER_SUFFIXES)) {
    if (name.endsWith(suffix) && name.length > suffix.length && (!best || suffix.length > best.length)) best = suffix;
  }
  return best ? `$${SERVICE_PARAMETER_SUFFIXES[best]}` : undefined;
}

function defaultMyhostname(setting: SettingLookup): string {
  const host = hostname();
  if (host.includes('.')) return host;
  return `${host}.${setting.set('mydomain') || DEF_MYDOMAIN}`;
}

export function defaultMydomain(myhostname: string): string {
  const dot = myhostname.indexOf('.');
  return dot < 0 ? DEF_MYDOMAIN : myhostname.slice(dot + 1);
}

/** mynetworks from this host's interface addresses (IPv4 first, then IPv6, duplicates dropped). */
export function defaultMynetworks(style: string, inetProtocols: string): string {
  const protocols = inetProtocols.toLowerCase();
  const wantV4 = /\ball\b|\bipv4\b/.test(protocols);
  const wantV6 = /\ball\b|\bipv6\b/.test(protocols);
  const v4: string[] = [];
  const v6: string[] = [];
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) {
      const prefix = Number(a.cidr?.split('/')[1] ?? (a.family === 'IPv4' ? 32 : 128));
      if (a.family === 'IPv4' && wantV4) v4.push(ipv4Network(a.address, style, prefix));
      if (a.family === 'IPv6' && wantV6) v6.push(ipv6Network(a.address, style, prefix));
    }
  }
  return [...new Set([...v4, ...v6])].join(' ');
}

function ipv4Network(address: string, style: string, prefix: number): string {
  const n = address.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
  let len = style === 'host' ? 32 : prefix;
  if (style === 'class') {
    const first = n >>> 24;
    len = first < 128 ? 8 : first < 192 ? 16 : first < 224 ? 24 : 32;
  }
  const mask = len === 0 ? 0 : (0xffffffff << (32 - len)) >>> 0;
  const net = (n & mask) >>> 0;
  return `${[24, 16, 8, 0].map((s) => (net >>> s) & 255).join('.')}/${len}`;
}

function ipv6Network(address: string, style: string, prefix: number): string {
  const len = style === 'host' ? 128 : prefix;
  const words = expandIpv6(address.split('%')[0]);
  const masked = words.map((w, i) => {
    const bits = Math.max(0, Math.min(16, len - i * 16));
    return bits === 0 ? 0 : w & ((0xffff << (16 - bits)) & 0xffff);
  });
  return `[${compressIpv6(masked)}]/${len}`;
}

export function expandIpv6(text: string): number[] {
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const parse = (s: string | undefined): number[] => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = parse(head);
  const t = parse(tail);
  const zeros = tail === undefined ? [] : new Array(8 - h.length - t.length).fill(0);
  return [...h, ...zeros, ...t];
}

/** RFC 5952 text form: lowercase, longest run (≥ 2) of zero words as "::". */
export function compressIpv6(words: number[]): string {
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
