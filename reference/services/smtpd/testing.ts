/**
 * Test doubles for smtpd's neighbours: an in-memory cleanup that records submissions, and a
 * trivial-rewrite stand-in that treats `localDomains` as local and everything else as remote
 * (default class). Used by smtpd and master tests only.
 */
import type { CleanupClient, CleanupEnvelope, CleanupMessage, CleanupReply, CleanupRequest, TrivialRewriteClient } from '../contracts.ts';
import { RESOLVE_CLASS_DEFAULT, RESOLVE_CLASS_LOCAL } from '../../global/resolve-clnt.ts';
import { CLEANUP_STAT } from '../../global/cleanup-user.ts';

export interface RecordingCleanup extends CleanupClient {
  submitted: (CleanupRequest & { queueId: string })[];
  aborted: string[];
}

export function recordingCleanup(prefix = 'AAAA'): RecordingCleanup {
  let n = 0;
  const c: RecordingCleanup = {
    submitted: [],
    aborted: [],
    async open() {
      const queueId = `${prefix}${String(++n).padStart(7, '0')}`;
      return collectingMessage(queueId, async (req) => {
        c.submitted.push({ ...req, queueId });
        return { status: CLEANUP_STAT.OK, queueId };
      }, async () => {
        c.aborted.push(queueId);
      });
    },
  };
  return c;
}

/**
 * A CleanupMessage double that collects the streamed envelope and content and hands them to
 * `submit` as one request at end(); abort() calls `abort`.
 */
export function collectingMessage(
  queueId: string, submit: (req: CleanupRequest) => Promise<CleanupReply>, abort: () => Promise<void>,
): CleanupMessage {
  let envelope: CleanupEnvelope | undefined;
  const parts: Buffer[] = [];
  return {
    queueId,
    begin: (env) => { envelope = env; },
    write: (bytes) => { parts.push(bytes); },
    pace: () => undefined,
    end: async () => submit({ ...envelope!, source: envelope!.source ?? 'smtpd', content: Buffer.concat(parts) }),
    submit,
    abort,
  };
}

export function fakeRewrite(myorigin: string, localDomains: string[]): TrivialRewriteClient {
  const local = new Set(localDomains.map((d) => d.toLowerCase()));
  return {
    async rewrite(_rule, address) {
      return { address: address.includes('@') || address === '' ? address : `${address}@${myorigin}` };
    },
    async resolve(_sender, address) {
      const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
      if (local.has(domain) || /^\[127\.0\.0\.1\]$/.test(domain)) {
        return { transport: 'local', nexthop: myorigin, recipient: address, flags: RESOLVE_CLASS_LOCAL };
      }
      return { transport: 'smtp', nexthop: domain, recipient: address, flags: RESOLVE_CLASS_DEFAULT };
    },
  };
}
