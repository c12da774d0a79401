/**
 * trivial-rewrite: the reference address rewriting and resolving service (trivial-rewrite(8)).
 *
 * Requests served (TrivialRewriteClient in ../contracts.ts):
 *   rewrite(rule, address)       canonical form, context "local" or "remote"   (rewrite.ts)
 *   resolve(sender, address)     (transport, nexthop, recipient, flags)         (resolve.ts)
 *   resolveVerify(sender, addr)  the same with the address_verify_* parameters
 * Called by cleanup (rewrite, envelope + headers), smtpd (resolve for relay checks) and qmgr
 * (resolve for every recipient). In-process by default; serveTrivialRewrite puts the same
 * implementation behind Postfix's private/rewrite socket protocol (server.ts).
 */
import type { ResolveReply, RewriteReply, RewriteRule, TrivialRewriteClient } from '../contracts.ts';
import { Params, type ParamSource } from './params.ts';
import { referenceTables, type LookupTable, type OpenTable } from '../../global/maps.ts';
import { rewriteAddress, type RewriteContext } from './rewrite.ts';
import { Resolver } from './resolve.ts';
import { MainConfig } from '../../config/index.ts';

export { serveTrivialRewrite } from './server.ts';
export type { LookupTable, OpenTable } from '../../global/maps.ts';

const CUSTOM_TRANSPORT = 'function:transport_maps';

export interface TrivialRewriteOptions {
  /** Opens a table named "type:name". Default: reference/tables (with the config, if one was given). */
  openTable?: OpenTable;
  /**
   * Called for every table the service opens, when it starts (startup()); a throw is fatal for
   * the service, as dict_open failures are for Postfix's trivial-rewrite (e.g. a proxy: table
   * that proxymap refuses: "proxymap service is not configured for table ...").
   */
  checkTable?: (spec: string) => Promise<void>;
  /** Where the service's warnings go (postlogd as "trivial-rewrite"); default: dropped. */
  warn?: (text: string) => void;
}

export interface TrivialRewrite extends TrivialRewriteClient {
  resolveVerify(sender: string, address: string): Promise<ResolveReply>;
  /** The daemon's start-up: checks every table it opened (options.checkTable); rejects = fatal. */
  startup(): Promise<void>;
}

function defaultTables(params: ParamSource): OpenTable {
  return params instanceof MainConfig ? referenceTables({ config: params }) : referenceTables();
}

/**
 * Build the service from already-expanded main.cf parameters (a MainConfig-like `get(name)` or
 * a plain object; unset parameters take Postfix 3.7 defaults). The second argument may be
 * options, or a function that looks keys up in transport_maps (then transport_maps need not be set).
 */
export function createTrivialRewrite(
  params: ParamSource,
  optionsOrTransportLookup?: TrivialRewriteOptions | ((key: string) => Promise<string | null>),
): TrivialRewrite {
  const base = new Params(params);
  let p = base;
  let open: OpenTable = optionsOrTransportLookup && typeof optionsOrTransportLookup !== 'function'
    ? optionsOrTransportLookup.openTable ?? defaultTables(params)
    : defaultTables(params);
  if (typeof optionsOrTransportLookup === 'function') {
    // The caller's function stands in for the whole of transport_maps (a key/value table).
    const custom: LookupTable = { fixed: true, lookup: optionsOrTransportLookup };
    const fallback = open;
    open = (spec) => (spec === CUSTOM_TRANSPORT ? custom : fallback(spec));
    p = new Params({ get: (name) => (name === 'transport_maps' ? CUSTOM_TRANSPORT : base.str(name)) });
  }

  // Every table spec the resolver opens, for startup().
  const opened: string[] = [];
  const openAll = open;
  open = (spec) => {
    if (!opened.includes(spec)) opened.push(spec);
    return openAll(spec);
  };
  const checkTable = optionsOrTransportLookup && typeof optionsOrTransportLookup !== 'function' ? optionsOrTransportLookup.checkTable : undefined;

  const local: RewriteContext = { origin: p.str('myorigin'), domain: p.str('mydomain') };
  const remoteDomain = p.str('remote_header_rewrite_domain');
  const remote: RewriteContext = { origin: remoteDomain, domain: remoteDomain };
  const warn = optionsOrTransportLookup && typeof optionsOrTransportLookup !== 'function' ? optionsOrTransportLookup.warn : undefined;
  const resolver = new Resolver(p, open, local, warn);
  const settings = resolver.settings;

  return {
    async rewrite(rule: RewriteRule, address: string): Promise<RewriteReply> {
      if (rule !== 'local' && rule !== 'remote') throw new Error(`unknown rewrite context: ${rule}`);
      return { address: rewriteAddress(settings, rule === 'local' ? local : remote, address) };
    },
    resolve: (sender, address) => resolver.resolve(resolver.regular, sender, address),
    resolveVerify: (sender, address) => resolver.resolve(resolver.verify, sender, address),
    async startup() {
      if (!checkTable) return;
      for (const spec of opened) await checkTable(spec);
    },
  };
}
