/**
 * main.cf conformance: the reference's defaults and $-expansion against the REAL postconf.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { hostname } from 'node:os';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadMainCf, parseMainCf } from './main-cf.ts';
import { defaultNames, HOST_DERIVED } from './defaults.ts';
import { collapse, postconf, postconfError, removeDir, scratchConfigDir } from './postconf-cli.ts';

/** Values that differ per process and cannot match postconf's. */
const PER_PROCESS = new Set(['process_id', 'process_name']);

const REQUIRED = `myhostname mydomain myorigin mydestination mynetworks mynetworks_style inet_interfaces proxy_interfaces
inet_protocols relay_domains relayhost relay_transport default_transport local_transport virtual_transport transport_maps
virtual_alias_maps virtual_alias_domains virtual_mailbox_domains virtual_mailbox_maps alias_maps alias_database
local_recipient_maps canonical_maps sender_canonical_maps recipient_canonical_maps recipient_delimiter append_at_myorigin
append_dot_mydomain swap_bangpath allow_percent_hack resolve_dequoted_address resolve_null_domain
parent_domain_matches_subdomains empty_address_recipient queue_directory data_directory mail_spool_directory home_mailbox
mail_owner maillog_file syslog_name smtpd_banner smtpd_recipient_restrictions smtpd_relay_restrictions
smtpd_client_restrictions smtpd_helo_restrictions smtpd_sender_restrictions smtpd_helo_required smtpd_delay_reject
line_length_limit message_size_limit smtpd_recipient_limit smtpd_hard_error_limit smtpd_soft_error_limit
smtpd_error_sleep_time smtpd_timeout smtp_connect_timeout minimal_backoff_time maximal_backoff_time queue_run_delay
maximal_queue_lifetime bounce_queue_lifetime delay_warning_time default_process_limit default_destination_concurrency_limit
default_destination_recipient_limit smtp_destination_concurrency_limit local_destination_concurrency_limit
local_destination_recipient_limit qmgr_message_active_limit unknown_local_recipient_reject_code
unknown_relay_recipient_reject_code relay_domains_reject_code access_map_reject_code reject_code
smtpd_reject_unlisted_recipient owner_request_special expand_owner_alias allow_mail_to_commands allow_mail_to_files
forward_path prepend_delivered_header enable_original_recipient always_add_missing_headers enable_long_queue_ids
hash_queue_names hash_queue_depth compatibility_level smtpd_client_connection_count_limit
smtpd_client_connection_rate_limit anvil_rate_time_unit fast_flush_domains smtp_connection_cache_on_demand
smtp_connection_cache_destinations smtp_connection_reuse_count_limit smtp_connection_reuse_time_limit
connection_cache_ttl_limit address_verify_map proxy_read_maps proxy_write_maps`.split(/\s+/);

let dir: string | undefined;
afterEach(() => {
  removeDir(dir);
  dir = undefined;
});

describe('defaults', () => {
  it('has every parameter the reference needs', () => {
    const names = new Set(defaultNames());
    expect(REQUIRED.filter((n) => !names.has(n))).toEqual([]);
  });

  it('raw defaults equal `postconf -d` for every name in the table', () => {
    dir = scratchConfigDir('');
    const real = postconf(dir, ['-d']);
    const config = parseMainCf('');
    const names = defaultNames().filter((n) => !PER_PROCESS.has(n));
    expect(names.length).toBeGreaterThan(1000);
    const mismatches = names
      .filter((n) => collapse(config.defaultValue(n) ?? '<none>') !== collapse(real.get(n) ?? '<missing>'))
      .map((n) => `${n}: ours=${config.defaultValue(n)} postconf=${real.get(n)}`);
    expect(mismatches).toEqual([]);
    // One-name queries give the same as the full listing (spot check with -h).
    const one = postconf(dir, ['-d', 'myhostname']);
    expect(one.get('myhostname')).toBe(config.get('myhostname'));
  });

  it('expanded defaults equal `postconf -d -x` for every name (host-derived values included)', () => {
    dir = scratchConfigDir('');
    const real = postconf(dir, ['-d', '-x']);
    const config = parseMainCf('');
    const mismatches = defaultNames()
      .filter((n) => !PER_PROCESS.has(n))
      .filter((n) => collapse(config.get(n)) !== collapse(real.get(n) ?? '<missing>'))
      .map((n) => `${n}: ours=${config.get(n)} postconf=${real.get(n)}`);
    expect(mismatches).toEqual([]);
    expect(config.get('myhostname').startsWith(hostname())).toBe(true);
  });

  it('with main.cf setting only myhostname, every value equals `postconf -c DIR -x`', () => {
    dir = scratchConfigDir('myhostname = host.example.com\n');
    const real = postconf(dir, ['-x']);
    const config = loadMainCf(dir);
    expect(config.get('mydomain')).toBe('example.com');
    expect(config.get('mydestination')).toBe('host.example.com, localhost.example.com, localhost');
    const mismatches = defaultNames()
      .filter((n) => !PER_PROCESS.has(n))
      .filter((n) => collapse(config.get(n)) !== collapse(real.get(n) ?? '<missing>'))
      .map((n) => `${n}: ours=${config.get(n)} postconf=${real.get(n)}`);
    expect(mismatches).toEqual([]);
    expect(HOST_DERIVED.has('mynetworks')).toBe(true);
  });
});

/** Configured main.cf files: every set name, plus names that depend on them, as postconf -x shows. */
const CONFIGS: Record<string, { text: string; extra: string[] }> = {
  chains: {
    text: [
      '# a comment',
      'myhostname = mx1.$mydomain',
      'mydomain = corp.example',
      'myorigin = $mydomain',
      'mydestination = $myhostname, localhost.$mydomain,',
      '    ${mydomain}, $(myorigin)',
      '  # comment between continuation lines',
      '\tmail.$mydomain',
      'relay_domains = ${relay_extra?{$relay_extra, }}partner.example',
      'relay_extra = relay.$mydomain',
      'relayhost = [smarthost.$mydomain]:2525',
      'compatibility_level = 3.6',
      'smtpd_banner = $myhostname ESMTP ${mail_name} (${mail_version})',
      'virtual_alias_maps = lmdb:$config_directory/virtual, regexp:$config_directory/virtual.re',
      'message_size_limit = 20480000',
      'message_size_limit = 51200000',
      'delay_warning_time = 4',
      'mynetworks_style = host',
      'empty_thing =',
      'usesEmpty = ${empty_thing:fallback} ${empty_thing?set} ${relay_extra?{yes}:{no}} ${nothere:{dflt}}',
      'dollars = $$literal and $$$mydomain',
    ].join('\n'),
    extra: ['relay_domains', 'fast_flush_domains', 'smtputf8_enable', 'append_dot_mydomain', 'smtpd_relay_restrictions', 'mynetworks', 'local_transport', 'proxy_read_maps'],
  },
  relational: {
    text: [
      'myhostname = host.example.com',
      'compatibility_level = 2',
      'a = ${{$compatibility_level} <level {3.6} ? {old} : {new}}',
      'b = ${{$compatibility_level} >=level {2} ? {ge2}}',
      'c = ${{10} < {9} ? {numeric-less} : {numeric-not-less}}',
      'd = ${{abc} < {abd} ? {lex-less} : {lex-not-less}}',
      'e = ${{$myhostname} == {host.example.com} ? {same} : {different}}',
      'f = ${{x} != {x}:{ne-false}}',
      'g = ${ myhostname ? { spaced } : { unset } }',
    ].join('\n'),
    extra: ['relay_domains', 'smtputf8_enable', 'mynetworks_style', 'mynetworks', 'append_dot_mydomain'],
  },
  crlf_and_overrides: {
    text: 'myhostname = crlf.example.net\r\nmydomain = example.net\r\nqueue_directory = /srv/q\r\nmail_owner = mailer\r\n',
    extra: ['mydestination', 'data_directory', 'smtpd_banner'],
  },
};

/**
 * postconf only shows a user-defined name when a known parameter refers to it; refer to all of
 * them from smtpd_sasl_local_domain (whose value is then checked too).
 */
function withUserNamesReferenced(text: string): string {
  const known = new Set(defaultNames());
  const user = parseMainCf(text).names().filter((n) => !known.has(n));
  return `${text}\nsmtpd_sasl_local_domain = ${user.map((n) => `$${n}`).join(' ')}\n`;
}

describe('configured main.cf files against `postconf -c DIR -x -h name`', () => {
  for (const [label, { text, extra }] of Object.entries(CONFIGS)) {
    it(label, () => {
      dir = scratchConfigDir(withUserNamesReferenced(text));
      const config = loadMainCf(dir);
      const names = [...new Set([...config.names(), ...extra])];
      const real = postconf(dir, ['-x', ...names]);
      for (const name of names) {
        const one = real.get(name);
        expect(one, `postconf knows ${name}`).toBeDefined();
        expect(collapse(config.get(name)), name).toBe(collapse(one!));
      }
    });
  }

  it('user-defined names are expanded exactly (postconf -x -h on a user name)', () => {
    dir = scratchConfigDir(CONFIGS.chains.text);
    const config = loadMainCf(dir);
    expect(config.get('usesEmpty')).toBe('fallback  yes dflt');
    expect(config.get('dollars')).toBe('$literal and $corp.example');
    expect(config.int('message_size_limit')).toBe(51200000);
    expect(config.time('delay_warning_time')).toBe(4 * 3600);
    expect(config.lineOf('message_size_limit')).toBe(16);
    expect(config.list('mydestination')).toEqual([
      'mx1.corp.example',
      'localhost.corp.example',
      'corp.example',
      'corp.example',
      'mail.corp.example',
    ]);
  });
});

describe('typed accessors', () => {
  const c = parseMainCf('minimal_backoff_time = 10m\nmaximal_queue_lifetime = 2\nsmtpd_helo_required = YES\nx = 1w\nbad = maybe\n');
  it('time uses the unit of the default for a bare number', () => {
    expect(c.time('minimal_backoff_time')).toBe(600);
    expect(c.time('maximal_queue_lifetime')).toBe(2 * 86400);
    expect(c.time('smtpd_timeout')).toBe(300);
    expect(c.time('x')).toBe(7 * 86400);
    expect(c.time('delay_warning_time')).toBe(0);
  });
  it('bool, int, list', () => {
    expect(c.bool('smtpd_helo_required')).toBe(true);
    expect(c.bool('smtpd_delay_reject')).toBe(true);
    expect(() => c.bool('bad')).toThrow(/main.cf, line 5: bad boolean configuration: bad = maybe/);
    expect(c.int('smtpd_recipient_limit')).toBe(1000);
    expect(c.int('smtpd_hard_error_limit')).toBe(20);
    expect(c.list('hash_queue_names')).toEqual(['deferred', 'defer']);
    expect(parseMainCf('m = inline:{ a=b, c=d }, static:x\tpcre:/p').list('m')).toEqual(['inline:{ a=b, c=d }', 'static:x', 'pcre:/p']);
  });
  it('has/raw/names and unknown names', () => {
    expect(c.has('relayhost')).toBe(true);
    expect(c.has('no_such_parameter')).toBe(false);
    expect(c.has('foo_destination_concurrency_limit')).toBe(true);
    expect(c.get('foo_destination_concurrency_limit')).toBe('20');
    expect(c.raw('myorigin')).toBe('$myhostname');
    expect(c.names()).toEqual(['minimal_backoff_time', 'maximal_queue_lifetime', 'smtpd_helo_required', 'x', 'bad']);
    expect(() => c.get('no_such_parameter')).toThrow(/unknown parameter "no_such_parameter"/);
  });
  it('overrides win over main.cf and config_directory follows the directory', () => {
    dir = scratchConfigDir('relayhost = [a.example]\n');
    const config = loadMainCf(dir, { relayhost: '[b.example]:26' });
    expect(config.get('relayhost')).toBe('[b.example]:26');
    expect(config.get('config_directory')).toBe(dir);
    expect(config.withOverrides({ syslog_name: 'postfix/$service_name', service_name: 'relay' }).get('syslog_name')).toBe('postfix/relay');
  });
});

describe('broken main.cf gives errors that name the line, as postconf does', () => {
  it('a line without "="', () => {
    dir = scratchConfigDir('myhostname = a.example\nfoo\n');
    expect(postconfError(dir, ['-h', 'myhostname'])).toContain(`line 2: missing '=' after attribute name: "foo"`);
    expect(() => loadMainCf(dir!)).toThrow(`${join(dir, 'main.cf')}, line 2: missing '=' after attribute name: "foo"`);
    expect(() => parseMainCf(' \n= x\n')).toThrow(/main.cf, line 2: missing attribute name/);
  });

  it('an unterminated ${', () => {
    dir = scratchConfigDir('myhostname = a.example\n\nrelayhost = ${myhostname\n');
    expect(postconfError(dir, ['-x', '-h', 'relayhost'])).toContain('truncated macro reference');
    const config = loadMainCf(dir);
    expect(() => config.get('relayhost')).toThrow(ConfigError);
    expect(() => config.get('relayhost')).toThrow(/main.cf, line 3: parameter relayhost: truncated macro reference: "\$\{myhostname"/);
    expect(() => config.validate()).toThrow(/line 3/);
  });

  it('garbage after a conditional and bad relational syntax', () => {
    dir = scratchConfigDir('myhostname = a.example\nrelayhost = ${myhostname?{x}junk}\n');
    expect(postconfError(dir, ['-x', '-h', 'relayhost'])).toContain('":" expected at: "...x}>>>junk"');
    expect(() => loadMainCf(dir!).get('relayhost')).toThrow(/line 2: parameter relayhost: ":" expected at: "...x}>>>junk"/);
    const c = parseMainCf('a = ${{x} ~ {y}}\nb = ${my-name}\nc = $\nd = ${{x} == {y} junk}\ne = ${{1} <level {z}}\n');
    expect(() => c.get('a')).toThrow(/line 1: .* expected at/);
    expect(() => c.get('b')).toThrow(/line 2: parameter b: attribute name syntax error/);
    expect(() => c.get('c')).toThrow(/line 3: parameter c: empty macro name/);
    expect(() => c.get('d')).toThrow(/line 4: parameter d: "\?" or ":" expected/);
    expect(() => c.get('e')).toThrow(/line 5: parameter e: malformed compatibility level syntax: "z"/);
  });

  it('a missing main.cf names the file', () => {
    dir = scratchConfigDir('');
    const missing = join(dir, 'nope');
    expect(() => loadMainCf(missing)).toThrow(`open ${join(missing, 'main.cf')}`);
    writeFileSync(join(dir, 'main.cf'), '');
  });
});
