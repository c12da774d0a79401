/**
 * The message-flow model, from maillogs real Postfix 3.7.11 wrote (fixtures/), read with the
 * harness's own parser and normaliser exactly as a scenario run reads them.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseMaillogLine } from '../../observe/parse.ts';
import { createNormaliser } from '../../observe/normalise.ts';
import type { MaillogEvent } from '../../observe/events.ts';
import { buildMessageFlow, MAILBOX, REMOTE, tableReader, type FlowArrow, type MessageFlow } from './flow-model.ts';
import { renderFlowSvg } from './flow-svg.ts';

function events(fixture: string): MaillogEvent[] {
  const norm = createNormaliser();
  return readFileSync(join(import.meta.dirname, 'fixtures', fixture), 'utf8')
    .split('\n')
    .map((l) => parseMaillogLine(l))
    .filter((e): e is MaillogEvent => e !== undefined)
    .map((e) => norm.event(e));
}

const arrows = (f: MessageFlow, kind: 'message' | 'support') => f.steps.filter((s): s is FlowArrow => s.type === 'arrow' && s.kind === kind);
const edge = (a: FlowArrow) => `${a.from}->${a.to}`;

describe('message flow from a real alias re-injection', () => {
  const flow = buildMessageFlow(events('alias-reinjection.maillog'));

  it('follows each queue ID through the services that moved it', () => {
    expect(flow.paths).toEqual({
      Q1: ['smtpd', 'cleanup', 'qmgr', 'local', MAILBOX],
      Q2: ['local', 'cleanup', 'qmgr', 'smtp', REMOTE],
    });
  });

  it('draws the forwarded copy leaving local for cleanup before Q2 is queued', () => {
    const msg = arrows(flow, 'message');
    const fwd = msg.findIndex((a) => edge(a) === 'local->cleanup');
    const queued = msg.findIndex((a) => a.qid === 'Q2' && edge(a) === 'cleanup->qmgr');
    expect(msg[fwd].label).toBe('Q1 forwarded as Q2: to=<team@mx.twinpost.test>');
    expect(fwd).toBeLessThan(queued);
  });

  it('infers the trivial-rewrite lookups of smtpd, cleanup and qmgr as dashed steps', () => {
    const support = arrows(flow, 'support').map(edge);
    expect(support).toEqual([
      'smtpd->trivial-rewrite',
      'cleanup->trivial-rewrite',
      'qmgr->trivial-rewrite',
      'cleanup->trivial-rewrite',
      'qmgr->trivial-rewrite',
    ]);
    expect(arrows(flow, 'support').every((a) => a.inferred)).toBe(true);
  });

  it('orders the lifelines along the message path', () => {
    expect(flow.participants).toEqual(['smtpd', 'cleanup', 'qmgr', 'smtp', 'local', REMOTE, MAILBOX, 'trivial-rewrite']);
  });

  it('renders lifelines, both arrow kinds and coloured delivery arrows in SVG', () => {
    const svg = renderFlowSvg(flow, 'alias');
    for (const p of flow.participants) expect(svg).toContain(`data-label="${p}"`);
    expect(svg.match(/class="arrow message"/g)).toHaveLength(arrows(flow, 'message').length + 1); // + legend
    expect(svg.match(/class="arrow support"/g)).toHaveLength(arrows(flow, 'support').length + 1);
    expect(svg).toContain('stroke-dasharray="6 4"');
    expect(svg).toContain('stroke="#15803d"'); // sent
  });
});

describe('message flow from a real bounce', () => {
  const flow = buildMessageFlow(events('bounce.maillog'));

  it('shows the bounce as a note, the bounce log lookup, and the notification as a new message', () => {
    const bounced = flow.steps.find((s) => s.type === 'note' && s.at === 'smtp');
    expect(bounced).toMatchObject({ qid: 'Q1', status: 'bounced' });
    expect(bounced?.type === 'note' && bounced.text).toMatch(/^Q1 bounced: to=<bob@remote\.example> \(host 127\.0\.0\.1/);
    expect(arrows(flow, 'support').map(edge)).toContain('smtp->bounce');
    expect(flow.paths).toEqual({
      Q1: ['smtpd', 'cleanup', 'qmgr', 'smtp', 'qmgr', 'bounce'],
      Q2: ['bounce', 'cleanup', 'qmgr', 'local'],
    });
  });

  it('puts the notification steps before the new queue file is queued', () => {
    const msg = arrows(flow, 'message').map((a) => `${a.qid}:${edge(a)}`);
    expect(msg.indexOf('Q2:bounce->cleanup')).toBeLessThan(msg.indexOf('Q2:cleanup->qmgr'));
    expect(msg.indexOf('Q1:qmgr->bounce')).toBe(msg.indexOf('Q2:bounce->cleanup') - 1);
  });
});

describe('inferred lookups from transcripts and configuration', () => {
  const base = events('alias-reinjection.maillog');

  it('ETRN in a session consults flush', () => {
    const flow = buildMessageFlow(base, [{ name: 's1', lines: [{ dir: 'C', text: 'ETRN remote.example' }] }]);
    expect(arrows(flow, 'support').find((a) => a.to === 'flush')).toMatchObject({ from: 'smtpd', label: 'ETRN remote.example' });
  });

  it('reject_unverified_recipient makes smtpd consult verify', () => {
    const flow = buildMessageFlow(base, [], { main: { smtpd_recipient_restrictions: 'reject_unverified_recipient' }, master: [], maps: [] });
    expect(arrows(flow, 'support').map(edge)).toContain('smtpd->verify');
  });

  it('a proxy: alias table makes local consult proxymap right after local first appears', () => {
    const flow = buildMessageFlow(base, [], { main: { alias_maps: 'proxy:lmdb:$config_directory/aliases' }, master: [], maps: [] });
    const i = flow.steps.findIndex((s) => s.type === 'arrow' && s.to === 'proxymap');
    expect(flow.steps[i]).toMatchObject({ from: 'local', kind: 'support', label: 'proxy: table lookup (alias_maps)' });
    expect(flow.steps[i - 1]).toMatchObject({ to: 'local' });
  });

  it('maps table parameters to the service that reads them', () => {
    expect(tableReader('alias_maps')).toBe('local');
    expect(tableReader('transport_maps')).toBe('trivial-rewrite');
    expect(tableReader('smtpd_sender_login_maps')).toBe('smtpd');
    expect(tableReader('virtual_alias_maps')).toBe('cleanup');
    expect(tableReader('smtp_tls_policy_maps')).toBe('smtp');
    expect(tableReader('virtual_mailbox_maps')).toBe('virtual');
  });

  it('an empty log has no flow', () => {
    expect(buildMessageFlow([])).toEqual({ participants: [], steps: [], paths: {} });
  });
});
