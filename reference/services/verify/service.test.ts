/** verify wiring: probe sender, store choice, probes submitted to cleanup with trace_flags = DEL_REQ_FLAG_MTA_VRFY. */
import { describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { parseMainCf } from '../../config/index.ts';
import { WritableTables } from '../proxymap/proxymap.ts';
import { probeSender, startVerifyService, verifyStore } from './service.ts';
import type { CleanupClient, CleanupRequest } from '../contracts.ts';
import { collectingMessage } from '../smtpd/testing.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';
import { DEL_REQ_FLAG_MTA_VRFY } from '../../global/deliver-request.ts';

describe('verify service wiring', () => {
  it('qualifies the probe sender and picks the store from address_verify_map', async () => {
    const cfg = parseMainCf('myhostname = mx.example\nmyorigin = $myhostname\naddress_verify_map =\n');
    expect(probeSender(cfg)).toBe('double-bounce@mx.example');
    expect(probeSender(parseMainCf('address_verify_sender = <>\n'))).toBe('');
    const dir = scratchDir('vsvc');
    try {
      const writable = new WritableTables();
      const store = verifyStore(parseMainCf(`address_verify_map = proxy:btree:${dir}/verify_cache\n`), writable);
      await store.put('a@b', '0:0:1:ok');
      expect(writable.get(`btree:${dir}/verify_cache`).get('a@b')).toBe('0:0:1:ok');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('sends a probe through cleanup for an unknown address', async () => {
    const submitted: CleanupRequest[] = [];
    const cleanup: CleanupClient = {
      open: async () => collectingMessage('Q', async (req) => (submitted.push(req), { status: 0, queueId: 'Q' }), async () => undefined),
    };
    const logger = { info: () => undefined, warning: () => undefined, fatal: () => undefined };
    const cfg = parseMainCf('myhostname = mx.example\naddress_verify_map =\n');
    const svc = await startVerifyService({ config: cfg, queueDirectory: '/nonexistent', cleanup, writable: new WritableTables(), logger, listen: false });
    expect((await svc.verify.query('x@remote.example')).recipientStatus).toBe(3);
    await new Promise((r) => setImmediate(r));
    // the probe's class, verify, is among smtputf8_autodetect_classes by default
    expect(submitted.map((r) => ({ ...r, content: undefined }))).toEqual([{ source: 'bounce', sender: 'double-bounce@mx.example', recipients: [{ address: 'x@remote.example' }], content: undefined, attributes: { trace_flags: String(DEL_REQ_FLAG_MTA_VRFY) }, flags: { autoSmtputf8: true } }]);
    // no body: post_mail_init()'s Received: and Date: lines only, with the probe's queue ID
    expect(submitted[0]!.content.toString('latin1')).toMatch(/^Received: by mx\.example \(Postfix\)\n\tid Q; (\w{3}, [ \d]\d \w{3} \d{4} \d\d:\d\d:\d\d [+-]\d{4} \([^)]*\))\nDate: \1\n$/);
    await svc.close();
  });
});
