/**
 * The main.cf parameters trivial-rewrite reads, with Postfix 3.7 defaults (postconf(5)) for the
 * ones a caller leaves out. Input is reference/config's MainConfig (values $-expanded, defaults
 * included) or a plain object of already-expanded values (tests); for names the source does not
 * know, the defaults below apply, expanded here against the source.
 */
import { hostname } from 'node:os';

/** Postfix's default $myhostname: the host name, with "." and $mydomain (or "localdomain") appended when it has no dot. */
function defaultMyhostname(mydomain: string | undefined): string {
  const host = hostname();
  return host.includes('.') ? host : `${host}.${mydomain || 'localdomain'}`;
}

/** Expanded values by name: a plain object, or a MainConfig-like source (`has` tells which names it knows). */
export type ParamSource = Record<string, string> | { get(name: string): string | undefined; has?(name: string): boolean };

/** Defaults at compatibility_level ≥ 2 (the 3.7 "new" defaults). `$name` refers to another parameter. */
const DEFAULTS: Record<string, string> = {
  mydomain: '', // computed from myhostname below
  myorigin: '$myhostname',
  mydestination: '$myhostname, localhost.$mydomain, localhost',
  inet_interfaces: 'all',
  inet_protocols: 'all',
  proxy_interfaces: '',
  remote_header_rewrite_domain: '',
  append_at_myorigin: 'yes',
  append_dot_mydomain: 'no',
  swap_bangpath: 'yes',
  allow_percent_hack: 'yes',
  resolve_dequoted_address: 'yes',
  resolve_null_domain: 'no',
  resolve_numeric_domain: 'no',
  smtputf8_enable: 'yes',
  empty_address_recipient: 'MAILER-DAEMON',
  local_transport: 'local:$myhostname',
  virtual_transport: 'virtual',
  relay_transport: 'relay',
  default_transport: 'smtp',
  relayhost: '',
  transport_maps: '',
  virtual_maps: '',
  virtual_alias_maps: '$virtual_maps',
  virtual_alias_domains: '$virtual_alias_maps',
  virtual_mailbox_maps: '',
  virtual_mailbox_domains: '$virtual_mailbox_maps',
  relay_domains: '',
  relocated_maps: '',
  parent_domain_matches_subdomains:
    'debug_peer_list,fast_flush_domains,mynetworks,permit_mx_backup_networks,qmqpd_authorized_clients,relay_domains,smtpd_access_maps',
  recipient_delimiter: '',
  show_user_unknown_table_name: 'yes',
  allow_min_user: 'no',
  sender_dependent_relayhost_maps: '',
  sender_dependent_default_transport_maps: '',
  empty_address_relayhost_maps_lookup_key: '<>',
  empty_address_default_transport_maps_lookup_key: '<>',
  address_verify_local_transport: '$local_transport',
  address_verify_virtual_transport: '$virtual_transport',
  address_verify_relay_transport: '$relay_transport',
  address_verify_default_transport: '$default_transport',
  address_verify_relayhost: '$relayhost',
  address_verify_transport_maps: '$transport_maps',
  address_verify_sender_dependent_relayhost_maps: '$sender_dependent_relayhost_maps',
  address_verify_sender_dependent_default_transport_maps: '$sender_dependent_default_transport_maps',
};

export class Params {
  private readonly get: (name: string) => string | undefined;

  constructor(source: ParamSource) {
    if (typeof source.get === 'function') {
      const config = source as { get(n: string): string | undefined; has?(n: string): boolean };
      // A parameter the source does not know takes the default below (a MainConfig would throw).
      this.get = (name) => (config.has?.(name) === false ? undefined : config.get(name));
    } else {
      this.get = (name) => (source as Record<string, string>)[name];
    }
  }

  str(name: string): string {
    const given = this.get(name);
    if (given !== undefined) return given;
    if (name === 'myhostname') return defaultMyhostname(this.get('mydomain'));
    if (name === 'mydomain') {
      const host = this.str('myhostname');
      const dot = host.indexOf('.');
      return dot >= 0 ? host.slice(dot + 1) : 'localdomain';
    }
    const def = DEFAULTS[name];
    if (def === undefined) throw new Error(`trivial-rewrite: no default for parameter ${name}`);
    return def.replace(/\$(\{(\w+)\}|(\w+))/g, (_m, _b, braced, bare) => this.str(braced ?? bare));
  }

  bool(name: string): boolean {
    const v = this.str(name).trim().toLowerCase();
    if (v === 'yes' || v === 'true' || v === '1') return true;
    if (v === 'no' || v === 'false' || v === '0') return false;
    throw new Error(`bad boolean value for ${name}: ${v}`);
  }
}
