/**
 * Generated trivial-rewrite configurations for the differential fuzzer (property/rewrite and
 * `twinpost fuzz rewrite`): the domain classes (mydestination, virtual_alias_domains,
 * virtual_mailbox_domains, relay_domains), a texthash transport_maps, relayhost, myorigin /
 * mydomain / myhostname, remote_header_rewrite_domain and the rewrite/resolve switches
 * (append_at_myorigin, append_dot_mydomain, allow_percent_hack, swap_bangpath,
 * recipient_delimiter, resolve_dequoted_address, resolve_null_domain, ...), per postconf(5).
 *
 * A configuration is plain data (JSON), so a divergence can be printed, stored as a regression
 * case (specs/trivial-rewrite) and replayed. mailConfig() turns it into the MailConfig a
 * PostfixTarget starts from; the transport table is written by the caller (see session.ts).
 */
import fc from 'fast-check';

export interface RewriteFuzzConfig {
  /** main.cf parameters (transport_maps excluded: see `transport`). */
  main: Record<string, string>;
  /** transport_maps entries, `key value` lines of a texthash table; empty = no transport_maps. */
  transport: [string, string][];
}

/**
 * Domains the configurations and the addresses draw from, so that generated addresses hit every
 * class. Mixed case and UTF-8 on purpose; none of them is the session's probe domain.
 */
export const FUZZ_DOMAINS = [
  'example.com', 'host.example.com', 'loc.example', 'mail.loc.example', 'va.example', 'vm.example', 'rl.example',
  'sub.rl.example', 'other.example', 'deep.sub.other.example', 'bücher.example', 'xn--bcher-kva.example', 'localhost',
  'Mixed.Example', 'origin.example', 'gw.example',
] as const;

const domain = fc.constantFrom(...FUZZ_DOMAINS);
const yesNo = fc.boolean().map((b) => (b ? 'yes' : 'no'));
const list = (items: fc.Arbitrary<string>, max: number) =>
  fc.uniqueArray(items, { maxLength: max }).map((a) => a.join(', '));

const transportKey = fc.oneof(
  domain,
  domain.map((d) => `.${d}`),
  fc.tuple(fc.constantFrom('user', 'User', 'u+ext', 'postmaster', 'a.b'), domain).map(([l, d]) => `${l}@${d}`),
  fc.constant('*'),
);
const transportValue = fc.constantFrom(
  'smtp:[gw.example]', 'relay:', ':[hop.example]', 'error:5.1.1 nope', 'local:', 'discard:', 'smtp:gw.example:2525',
  'lmtp:unix:/tmp/lmtp', 'retry:', ':', 'virtual:', 'relay:[192.0.2.7]', 'smtp:', ':nexthop.example',
);

/** The arbitrary of configurations. */
export const rewriteConfigArb: fc.Arbitrary<RewriteFuzzConfig> = fc.record({
  myhostname: fc.constantFrom('host.example.com', 'mail.loc.example', 'mx.other.example'),
  mydomain: fc.constantFrom('example.com', 'loc.example', 'other.example'),
  myorigin: fc.constantFrom('$myhostname', '$mydomain', 'origin.example', 'loc.example'),
  mydestination: list(fc.constantFrom('$myhostname', 'localhost', 'localhost.$mydomain', 'loc.example', 'example.com', 'bücher.example', 'Mixed.Example'), 4),
  proxy_interfaces: fc.constantFrom('', '', '192.0.2.9'),
  virtual_alias_domains: list(domain, 2),
  virtual_mailbox_domains: list(domain, 2),
  relay_domains: list(fc.oneof(domain, domain.map((d) => `.${d}`)), 3),
  parent_domain_matches_subdomains: fc.constantFrom('relay_domains', 'relay_domains', 'transport_maps', 'relay_domains, transport_maps', ''),
  relayhost: fc.constantFrom('', '', '[gw.example]', 'gw.example:587', '[192.0.2.1]:25'),
  relay_transport: fc.constantFrom('relay', 'relay', 'relay:[relaygw.example]'),
  default_transport: fc.constantFrom('smtp', 'smtp', 'smtp:[default.example]', 'error:no route'),
  append_at_myorigin: yesNo,
  append_dot_mydomain: yesNo,
  allow_percent_hack: yesNo,
  swap_bangpath: yesNo,
  resolve_dequoted_address: yesNo,
  resolve_null_domain: yesNo,
  resolve_numeric_domain: yesNo,
  recipient_delimiter: fc.constantFrom('', '', '+', '-', '+-', '='),
  remote_header_rewrite_domain: fc.constantFrom('', 'rw.example', 'domain.invalid'),
  smtputf8_enable: fc.constantFrom('yes', 'yes', 'no'),
}).chain((main) =>
  fc.uniqueArray(fc.tuple(transportKey, transportValue), { maxLength: 8, selector: ([k]) => k.toLowerCase() })
    .map((transport) => ({ main, transport })));

/** The texthash table text of a configuration's transport_maps. */
export function transportTable(config: RewriteFuzzConfig): string {
  return config.transport.map(([k, v]) => `${k}\t${v}\n`).join('');
}

/** One line per setting, for printing a divergence. */
export function describeConfig(config: RewriteFuzzConfig): string {
  const main = Object.entries(config.main).map(([k, v]) => `${k} = ${v}`);
  const transport = config.transport.map(([k, v]) => `  ${k}  ${v}`);
  return [...main, ...(transport.length ? ['transport_maps (texthash):', ...transport] : [])].join('\n');
}
