/**
 * The architecture of a run: the services its master.cf defines (parsed with reference/config's
 * parseMasterCf) and how they connect, by the daemon program each entry runs (DESIGN.md §1):
 *
 *   message edges (the message moves): smtpd, pickup → cleanup → qmgr → delivery agents;
 *     postscreen → smtpd; local → cleanup (alias/forward re-injection); qmgr → bounce family
 *     → cleanup (notifications); verify → cleanup (probes);
 *   support edges (consulted): cleanup, smtpd, qmgr → trivial-rewrite; smtpd → anvil, verify,
 *     flush; postscreen → anvil, dnsblog; smtp, lmtp → scache; TLS users → tlsmgr when TLS is
 *     configured; the readers of proxy: tables → proxymap.
 *
 * Several scenarios may add master.cf lines: the model is the union of every scenario's
 * master.cf; an entry not defined by every scenario lists the scenarios that define it.
 */
import { parseMasterCf, type MasterEntry } from '../../../reference/config/index.ts';
import type { ArrowKind } from './svg.ts';
import { proxyReaders } from './flow-model.ts';
import type { ConfigView } from './observations.ts';

/** Where a node is placed: a column of the message path, or the band of supporting services. */
export type Place = 'source' | 'cleanup' | 'qmgr' | 'notify' | 'agent' | 'support';

export interface ArchNode {
  /** Unique key: "service/type". */
  key: string;
  service: string;
  type: string;
  command: string;
  place: Place;
  /** Scenarios that define this entry, when not all of them do. */
  onlyIn?: string[];
}

export interface ArchEdge {
  kind: ArrowKind;
  from: string;
  to: string;
  label: string;
}

export interface Architecture {
  nodes: ArchNode[];
  edges: ArchEdge[];
  /** master.cf lines that could not be parsed, with the reason. */
  errors: string[];
}

const AGENTS = new Set(['smtp', 'lmtp', 'local', 'virtual', 'pipe', 'error', 'discard']);
const SOURCES = new Set(['smtpd', 'postscreen', 'pickup', 'qmqpd']);

function placeOf(command: string): Place {
  if (SOURCES.has(command)) return 'source';
  if (command === 'cleanup') return 'cleanup';
  if (command === 'qmgr' || command === 'oqmgr') return 'qmgr';
  if (command === 'bounce') return 'notify';
  if (AGENTS.has(command)) return 'agent';
  return 'support';
}

/** The daemon program of an entry: the command's last path component. */
function programOf(e: MasterEntry): string {
  return e.command.slice(e.command.lastIndexOf('/') + 1);
}

interface Rule {
  from: (n: ArchNode) => boolean;
  to: (n: ArchNode) => boolean;
  kind: ArrowKind;
  label: string;
}

const cmd = (...names: string[]) => (n: ArchNode) => names.includes(n.command);

const RULES: Rule[] = [
  { from: cmd('smtpd', 'qmqpd'), to: cmd('cleanup'), kind: 'message', label: 'accepted message' },
  { from: cmd('pickup'), to: cmd('cleanup'), kind: 'message', label: 'local submission (maildrop)' },
  { from: cmd('postscreen'), to: cmd('smtpd'), kind: 'message', label: 'client socket handed over' },
  { from: cmd('cleanup'), to: cmd('qmgr', 'oqmgr'), kind: 'message', label: 'incoming queue' },
  { from: cmd('qmgr', 'oqmgr'), to: (n) => n.place === 'agent', kind: 'message', label: 'delivery request' },
  { from: cmd('local'), to: cmd('cleanup'), kind: 'message', label: 'forwarded as a new message' },
  { from: cmd('qmgr', 'oqmgr'), to: cmd('bounce'), kind: 'message', label: 'return to sender / delay warning' },
  { from: cmd('bounce'), to: cmd('cleanup'), kind: 'message', label: 'notification (new message)' },
  { from: cmd('verify'), to: cmd('cleanup'), kind: 'message', label: 'verification probe' },
  { from: cmd('smtpd', 'cleanup', 'qmgr', 'oqmgr'), to: cmd('trivial-rewrite'), kind: 'support', label: 'rewrite / resolve' },
  { from: cmd('smtpd'), to: cmd('anvil'), kind: 'support', label: 'connection / rate counters' },
  { from: cmd('smtpd'), to: cmd('verify'), kind: 'support', label: 'address verification' },
  { from: cmd('smtpd'), to: cmd('flush'), kind: 'support', label: 'ETRN' },
  { from: cmd('postscreen'), to: cmd('anvil'), kind: 'support', label: 'counters' },
  { from: cmd('postscreen'), to: cmd('dnsblog'), kind: 'support', label: 'DNSBL lookups' },
  { from: cmd('smtp', 'lmtp'), to: cmd('scache'), kind: 'support', label: 'connection cache' },
];

/** TLS is in use when a *_tls_security_level or smtpd_use_tls / smtp_use_tls asks for it. */
function tlsConfigured(main: Record<string, string>): boolean {
  return Object.entries(main).some(([k, v]) => (/_tls_security_level$/.test(k) && v !== 'none' && v !== '') || (/_use_tls$/.test(k) && v === 'yes'));
}

export interface ScenarioConfig {
  scenario: string;
  config: ConfigView;
}

export function buildArchitecture(configs: ScenarioConfig[]): Architecture {
  const nodes = new Map<string, ArchNode>();
  const definedBy = new Map<string, Set<string>>();
  const errors: string[] = [];
  const main: Record<string, string> = {};
  for (const { scenario, config } of configs) {
    Object.assign(main, config.main);
    let entries: MasterEntry[] = [];
    try {
      entries = parseMasterCf(config.master.join('\n'), { fileName: `master.cf (${scenario})` });
    } catch (err) {
      errors.push((err as Error).message);
    }
    for (const e of entries) {
      const command = programOf(e);
      const key = `${e.service}/${e.type}`;
      if (!nodes.has(key)) nodes.set(key, { key, service: e.service, type: e.type, command, place: placeOf(command) });
      (definedBy.get(key) ?? definedBy.set(key, new Set()).get(key)!).add(scenario);
    }
  }
  const all = new Set(configs.map((c) => c.scenario));
  for (const [key, by] of definedBy) if (by.size < all.size) nodes.get(key)!.onlyIn = [...by].sort();

  const list = [...nodes.values()];
  const edges: ArchEdge[] = [];
  const add = (from: ArchNode, to: ArchNode, kind: ArrowKind, label: string) => {
    if (from.key !== to.key && !edges.some((e) => e.from === from.key && e.to === to.key)) edges.push({ kind, from: from.key, to: to.key, label });
  };
  for (const r of RULES) for (const a of list.filter(r.from)) for (const b of list.filter(r.to)) add(a, b, r.kind, r.label);
  if (tlsConfigured(main)) {
    for (const a of list.filter(cmd('smtpd', 'smtp', 'lmtp', 'tlsproxy'))) for (const b of list.filter(cmd('tlsmgr'))) add(a, b, 'support', 'TLS session cache');
  }
  for (const [reader, params] of proxyReaders({ main, master: [], maps: [] })) {
    for (const a of list.filter(cmd(reader))) for (const b of list.filter(cmd('proxymap'))) add(a, b, 'support', `proxy: ${params.join(', ')}`);
  }
  return { nodes: list, edges, errors };
}
