/**
 * The main.cf parameters trivial-rewrite(8) reads (postconf(5)), i.e. the part of a user's
 * configuration the rewrite benchmark copies into its private instance for `-c DIR`
 * (inet_interfaces is left out: the private instance listens on loopback only).
 */
export const REWRITE_PARAMETERS: string[] = [
  'myhostname', 'mydomain', 'myorigin', 'mydestination', 'proxy_interfaces',
  'remote_header_rewrite_domain', 'append_at_myorigin', 'append_dot_mydomain', 'swap_bangpath',
  'allow_percent_hack', 'resolve_dequoted_address', 'resolve_null_domain', 'resolve_numeric_domain',
  'smtputf8_enable', 'empty_address_recipient', 'local_transport', 'virtual_transport', 'relay_transport',
  'default_transport', 'relayhost', 'transport_maps', 'virtual_maps', 'virtual_alias_maps',
  'virtual_alias_domains', 'virtual_mailbox_maps', 'virtual_mailbox_domains', 'relay_domains',
  'relocated_maps', 'parent_domain_matches_subdomains', 'recipient_delimiter', 'show_user_unknown_table_name',
  'allow_min_user', 'sender_dependent_relayhost_maps', 'sender_dependent_default_transport_maps',
  'empty_address_relayhost_maps_lookup_key', 'empty_address_default_transport_maps_lookup_key',
  'proxy_read_maps', 'compatibility_level',
];
