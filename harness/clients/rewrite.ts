/**
 * Client for trivial-rewrite's private/rewrite socket, for either target (real Postfix or the
 * reference's serveTrivialRewrite): connect (checks the `trivial_rewrite_protocol`
 * announcement), then rewrite(rule, address) and resolve(sender, address) / resolveVerify over
 * one long-lived connection, as Postfix's rewrite_clnt/resolve_clnt do (without their one-entry
 * cache, so every call reaches the server). Implements TrivialRewriteClient.
 */
import type { ResolveReply, RewriteReply, RewriteRule, TrivialRewriteClient } from '../../reference/services/contracts.ts';
import { AttrClient } from '../../reference/protocol/client.ts';
import { AttrProtocolError, parseAttrInt, PROTOCOL_NAMES, type AttrList } from '../../reference/protocol/attr.ts';

function expectNames(reply: AttrList, names: string[]): void {
  const got = reply.map(([n]) => n).join(',');
  if (got !== names.join(',')) throw new AttrProtocolError(`unexpected reply attributes: ${got}`);
}

export class RewriteClient implements TrivialRewriteClient {
  private constructor(private readonly conn: AttrClient) {}

  static async connect(socketPath: string, timeoutMs = 10_000): Promise<RewriteClient> {
    return new RewriteClient(await AttrClient.connect(socketPath, { protocol: PROTOCOL_NAMES.rewrite, timeoutMs }));
  }

  async rewrite(rule: RewriteRule, address: string): Promise<RewriteReply> {
    const reply = await this.conn.request([['request', 'rewrite'], ['rule', rule], ['address', address]]);
    expectNames(reply, ['flags', 'address']);
    return { address: reply[1][1] };
  }

  resolve(sender: string, address: string): Promise<ResolveReply> {
    return this.resolveAs('resolve', sender, address);
  }

  resolveVerify(sender: string, address: string): Promise<ResolveReply> {
    return this.resolveAs('verify', sender, address);
  }

  close(): void {
    this.conn.close();
  }

  private async resolveAs(request: 'resolve' | 'verify', sender: string, address: string): Promise<ResolveReply> {
    const reply = await this.conn.request([['request', request], ['sender', sender], ['address', address]]);
    expectNames(reply, ['flags', 'transport', 'nexthop', 'recipient', 'flags']);
    return { transport: reply[1][1], nexthop: reply[2][1], recipient: reply[3][1], flags: parseAttrInt(reply[4][1]) };
  }
}
