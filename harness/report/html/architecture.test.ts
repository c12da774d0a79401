/**
 * The architecture model and diagram, from the master.cf every test instance runs with
 * (reportConfig: the harness's base services) plus scenario-specific lines.
 */
import { describe, expect, it } from 'vitest';
import { buildArchitecture, type ArchEdge } from './architecture-model.ts';
import { renderArchitectureSvg } from './architecture-svg.ts';
import { reportConfig } from './run-config.ts';

const edges = (list: ArchEdge[], kind: string) => list.filter((e) => e.kind === kind).map((e) => `${e.from} -> ${e.to}`);

describe('architecture of the base master.cf', () => {
  const arch = buildArchitecture([{ scenario: 's1', config: reportConfig({ main: {} }) }]);

  it('has a node per master.cf entry, placed by the program it runs', () => {
    const byKey = Object.fromEntries(arch.nodes.map((n) => [n.key, n]));
    expect(arch.nodes).toHaveLength(25);
    expect(byKey['127.0.0.1:<port>/inet']).toMatchObject({ command: 'smtpd', place: 'source' });
    expect(byKey['relay/unix']).toMatchObject({ command: 'smtp', place: 'agent' });
    expect(byKey['retry/unix']).toMatchObject({ command: 'error', place: 'agent' });
    expect(byKey['defer/unix']).toMatchObject({ command: 'bounce', place: 'notify' });
    expect(byKey['rewrite/unix']).toMatchObject({ command: 'trivial-rewrite', place: 'support' });
    expect(byKey['postlog/unix-dgram']).toMatchObject({ command: 'postlogd', place: 'support' });
    expect(arch.errors).toEqual([]);
  });

  it('connects the message path with solid edges', () => {
    const msg = edges(arch.edges, 'message');
    expect(msg).toEqual(
      expect.arrayContaining([
        '127.0.0.1:<port>/inet -> cleanup/unix',
        'pickup/unix -> cleanup/unix',
        'cleanup/unix -> qmgr/unix',
        'qmgr/unix -> smtp/unix',
        'qmgr/unix -> relay/unix',
        'qmgr/unix -> local/unix',
        'qmgr/unix -> discard/unix',
        'local/unix -> cleanup/unix',
        'qmgr/unix -> bounce/unix',
        'bounce/unix -> cleanup/unix',
        'verify/unix -> cleanup/unix',
      ]),
    );
    expect(msg).not.toContain('cleanup/unix -> trivial-rewrite/unix');
  });

  it('connects supporting services with dashed edges', () => {
    const sup = edges(arch.edges, 'support');
    expect(sup).toEqual(
      expect.arrayContaining([
        '127.0.0.1:<port>/inet -> rewrite/unix',
        'cleanup/unix -> rewrite/unix',
        'qmgr/unix -> rewrite/unix',
        '127.0.0.1:<port>/inet -> anvil/unix',
        '127.0.0.1:<port>/inet -> flush/unix',
        'smtp/unix -> scache/unix',
      ]),
    );
    // no TLS configured, no proxy: tables: tlsmgr and proxymap stand alone
    expect(arch.edges.filter((e) => /tlsmgr|proxymap|proxywrite/.test(e.to))).toEqual([]);
  });

  it('draws every node and both edge kinds with a legend', () => {
    const svg = renderArchitectureSvg(arch, 'base');
    for (const label of ['smtpd', 'cleanup', 'qmgr', 'smtp', 'local', 'rewrite', 'bounce']) expect(svg).toContain(`data-label="${label}"`);
    expect(svg.match(/class="arrow message"/g)!.length).toBe(edges(arch.edges, 'message').length + 1);
    expect(svg.match(/class="arrow support"/g)!.length).toBe(edges(arch.edges, 'support').length + 1);
    expect(svg).toContain('message moves');
    expect(svg).toContain('supporting service consulted');
  });
});

describe('architecture from several scenarios', () => {
  it('adds TLS and proxy: edges from the configuration and marks entries only some scenarios define', () => {
    const arch = buildArchitecture([
      { scenario: 'a', config: reportConfig({ main: { smtp_tls_security_level: 'may', alias_maps: 'proxy:lmdb:/etc/aliases' } }) },
      { scenario: 'b', config: reportConfig({ main: {}, master: ['uucp unix - n n - - pipe flags=Fqhu user=uucp argv=uux -r -n -z -a$sender - $nexthop!rmail ($recipient)'] }) },
    ]);
    const uucp = arch.nodes.find((n) => n.service === 'uucp');
    expect(uucp).toMatchObject({ command: 'pipe', place: 'agent', onlyIn: ['b'] });
    expect(arch.nodes.find((n) => n.service === 'smtp')?.onlyIn).toBeUndefined();
    const sup = edges(arch.edges, 'support');
    expect(sup).toContain('smtp/unix -> tlsmgr/unix');
    expect(sup).toContain('local/unix -> proxymap/unix');
    expect(edges(arch.edges, 'message')).toContain('qmgr/unix -> uucp/unix');
    expect(renderArchitectureSvg(arch, 'x')).toMatch(/class="node service place-agent partial"[^>]*data-label="uucp"/);
  });

  it('reports a malformed master.cf line instead of failing the report', () => {
    const arch = buildArchitecture([{ scenario: 'bad', config: { main: {}, master: ['broken inet y - n - - smtpd'], maps: [] } }]);
    expect(arch.nodes).toEqual([]);
    expect(arch.errors).toEqual(['master.cf (bad): line 1: inet service cannot be private']);
  });
});
