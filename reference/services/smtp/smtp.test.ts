import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSink, type Sink } from '../../../harness/sink/index.ts';
import { createFileLogger } from '../postlogd/postlogd.ts';
import { writeTestQueueFile } from '../master/test-queue.ts';
import { breaksLines, createSmtpAgent, dataBytes, dsnOf, type SmtpAgentOptions } from './smtp.ts';
import { Maps, type LookupTable } from '../../global/maps.ts';
import { parseNexthop } from './nexthop.ts';
import { DSN_NOTIFY_FAILURE, DSN_NOTIFY_SUCCESS } from '../../global/dsn-mask.ts';
import { DEL_REQ_FLAG_USR_VRFY } from '../../global/deliver-request.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(faults: Parameters<typeof createSink>[0] = {}, options: Partial<SmtpAgentOptions> = {}) {
  const dir = scratchDir('smtp-agent');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const sink = await createSink(faults);
  cleanups.push(() => sink.close());
  const log = createFileLogger({ myhostname: 'mx.twinpost.test' });
  const agent = createSmtpAgent({ transport: 'smtp', logService: 'smtp', logger: log, heloName: 'mx.twinpost.test', connectTimeoutMs: 5000, replyTimeoutMs: 5000, ...options });
  return { dir, sink, log, agent, texts: () => log.lines.map((l) => l.replace(/^.*?\]: /, '')) };
}

const msg = (recipients: string[]) => ({
  sender: 's@client.example',
  recipients: recipients.map((address) => ({ address, dsnOrcpt: `rfc822;${address}` })),
  content: 'Received: from x\nSubject: hi\n\n.leading dot\nbody\n',
});

describe('smtp delivery agent', () => {
  it('parses nexthops', () => {
    expect(parseNexthop('[127.0.0.1]:2525')).toEqual({ host: '127.0.0.1', port: 2525, bracketed: true });
    expect(parseNexthop('mail.example:26')).toEqual({ host: 'mail.example', port: 26, bracketed: false });
    expect(parseNexthop('smtp:[::1]')).toEqual({ host: '::1', port: 25, bracketed: true });
    expect(dataBytes(Buffer.from('a\n.b\n'), 998)).toBe('a\r\n..b\r\n.\r\n');
  });

  it('folds a line longer than smtp_line_length_limit, and says so', () => {
    expect(dataBytes(Buffer.from('abcdef\nabcd\n'), 4)).toBe('abcd\r\n ef\r\nabcd\r\n.\r\n');
    expect(breaksLines(Buffer.from('abcd\n'), 4)).toBe(false);
    expect(breaksLines(Buffer.from('abcd\nabcde\n'), 4)).toBe(true);
    expect(breaksLines(Buffer.from('abcde\n'), 0)).toBe(false);
  });

  it('reports a delivery as relayed; NOTIFY=SUCCESS goes to a next hop that offers DSN and is then dropped here', async () => {
    const plain = await setup();
    const req = await writeTestQueueFile(join(plain.dir, 'q'), msg(['x@far.example']), 'smtp', plain.sink.relay);
    const res = await plain.agent.deliver({ ...req, recipients: req.recipients.map((r) => ({ ...r, dsnNotify: DSN_NOTIFY_SUCCESS })) });
    expect(res.recipients.map((r) => [r.outcome, r.action, r.dsnNotify])).toEqual([['sent', 'relayed', undefined]]);
    expect(plain.sink.connections()[0]!.commands.filter((c) => c.startsWith('RCPT'))).toEqual(['RCPT TO:<x@far.example>']);
    const dsn = await setup({ extensions: ['PIPELINING', 'SIZE', '8BITMIME', 'DSN'] });
    const req2 = await writeTestQueueFile(join(dsn.dir, 'q'), msg(['y@far.example']), 'smtp', dsn.sink.relay);
    const res2 = await dsn.agent.deliver({ ...req2, recipients: req2.recipients.map((r) => ({ ...r, dsnNotify: DSN_NOTIFY_SUCCESS | DSN_NOTIFY_FAILURE })) });
    expect(res2.recipients.map((r) => [r.outcome, r.action, r.dsnNotify])).toEqual([['sent', 'relayed', DSN_NOTIFY_FAILURE]]);
    expect(dsn.sink.connections()[0]!.commands.filter((c) => c.startsWith('RCPT'))).toEqual(['RCPT TO:<y@far.example> ORCPT=rfc822;y@far.example NOTIFY=SUCCESS,FAILURE']);
  });

  it('delivers pipelined and logs status=sent with the server reply', async () => {
    const { dir, sink, agent, texts } = await setup();
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example', 'y@far.example']), 'smtp', sink.relay);
    const res = await agent.deliver(req);
    expect(res.recipients.map((r) => [r.address, r.outcome, r.dsn])).toEqual([['x@far.example', 'sent', '2.0.0'], ['y@far.example', 'sent', '2.0.0']]);
    const [tx] = sink.transactions();
    expect(tx.mailFrom).toBe('s@client.example');
    expect(tx.mailParams).toEqual([`SIZE=${tx.data!.length - 2}`].map(() => expect.stringMatching(/^SIZE=\d+$/)));
    expect(tx.rcptTo).toEqual(['x@far.example', 'y@far.example']);
    expect(tx.data!.toString()).toBe('Received: from x\r\nSubject: hi\r\n\r\n.leading dot\r\nbody\r\n');
    const c = sink.connections()[0];
    expect(c.helo).toBe('mx.twinpost.test');
    expect(texts()[0]).toMatch(new RegExp(`^${req.queueId}: to=<x@far\\.example>, relay=127\\.0\\.0\\.1\\[127\\.0\\.0\\.1\\]:${sink.endpoint.port}, delay=[\\d.]+, delays=[\\d.]+/[\\d.]+/[\\d.]+/[\\d.]+, dsn=2\\.0\\.0, status=sent \\(${tx.dataReply!.replace(/[.()]/g, '\\$&')}\\)$`));
  });

  it('defers on 4xx and bounces on 5xx per recipient, with Postfix reason texts', async () => {
    const { dir, sink, agent, texts } = await setup({
      faults: [
        { kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 <a@defer.example>: try later', recipients: ['a@defer.example'] },
        { kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 <b@bounce.example>: no such user', recipients: ['b@bounce.example'] },
      ],
    });
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['a@defer.example', 'b@bounce.example', 'c@ok.example']), 'smtp', sink.relay);
    const res = await agent.deliver(req);
    expect(res.recipients.map((r) => [r.address, r.outcome, r.dsn, r.text])).toEqual([
      ['a@defer.example', 'deferred', '4.2.0', 'host 127.0.0.1[127.0.0.1] said: 450 4.2.0 <a@defer.example>: try later (in reply to RCPT TO command)'],
      ['b@bounce.example', 'bounced', '5.1.1', 'host 127.0.0.1[127.0.0.1] said: 550 5.1.1 <b@bounce.example>: no such user (in reply to RCPT TO command)'],
      ['c@ok.example', 'sent', '2.0.0', expect.stringMatching(/^250 /)],
    ]);
    expect(texts()[0]).toContain(', dsn=4.2.0, status=deferred (host 127.0.0.1[127.0.0.1] said: 450 4.2.0 <a@defer.example>: try later (in reply to RCPT TO command))');
  });

  it('defers with Postfix\'s "lost connection ... while ..." text when the peer drops mid-DATA', async () => {
    const { dir, sink, agent } = await setup({ faults: [{ kind: 'drop-mid-data', afterBytes: 5 }] });
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    const res = await agent.deliver(req);
    expect(res.recipients[0]).toMatchObject({
      outcome: 'deferred', dsn: '4.4.2',
      text: 'lost connection with 127.0.0.1[127.0.0.1] while sending end of data -- message may be sent more than once',
    });
  });

  it('defers every recipient with "Connection refused" when the peer is down', async () => {
    const { dir, sink, agent, texts } = await setup();
    await sink.down();
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    const res = await agent.deliver(req);
    const reason = `connect to 127.0.0.1[127.0.0.1]:${sink.endpoint.port}: Connection refused`;
    expect(res.destinationFailed).toBe(true);
    expect(res.recipients[0]).toMatchObject({ outcome: 'deferred', dsn: '4.4.1', text: reason, relay: 'none' });
    expect(texts()[0]).toBe(reason);
    expect(texts()[1]).toMatch(new RegExp(`^${req.queueId}: to=<x@far\\.example>, relay=none, delay=[\\d.]+, delays=[\\d.]+/[\\d.]+/0/[\\d.]+, dsn=4\\.4\\.1, status=deferred \\(connect to`));
  });
});

/** A table list named `title` whose one table answers the exact keys of `entries` (a fixed table gets them folded). */
function maps(title: string, entries: Record<string, string>, fixed = true): Maps {
  const table: LookupTable = { fixed, lookup: async (key) => entries[key] ?? null };
  return new Maps(title, ['test:table'], () => table);
}

describe('smtp(8) settings', () => {
  it('tries the smtp_fallback_relay sites when the next hop refuses, logging each refusal', async () => {
    const fallback = await createSink({});
    cleanups.push(() => fallback.close());
    const { dir, sink, agent, texts } = await setup({}, { fallbackRelay: [fallback.relay] });
    await sink.down();
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    const res = await agent.deliver(req);
    expect(res.recipients[0]).toMatchObject({ outcome: 'sent', relay: `127.0.0.1[127.0.0.1]:${fallback.endpoint.port}` });
    expect(fallback.transactions().map((t) => t.rcptTo)).toEqual([['x@far.example']]);
    expect(texts()[0]).toBe(`connect to 127.0.0.1[127.0.0.1]:${sink.endpoint.port}: Connection refused`);
  });

  it('reaches a next hop without a port on smtp_tcp_port', async () => {
    const { dir, sink, log } = await setup();
    const agent = createSmtpAgent({ transport: 'smtp', logService: 'smtp', logger: log, heloName: 'mx.twinpost.test', tcpPort: sink.endpoint.port });
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', '[127.0.0.1]');
    expect((await agent.deliver(req)).recipients[0]).toMatchObject({ outcome: 'sent', relay: `127.0.0.1[127.0.0.1]:${sink.endpoint.port}` });
    expect(sink.transactions()).toHaveLength(1);
  });

  it('reads a reply line through smtp_reply_filter and logs the replacement', async () => {
    const { dir, sink, agent, texts } = await setup(
      { faults: [{ kind: 'reply', stage: 'rcpt', reply: '550 5.1.1 gone' }] },
      { replyFilter: maps('smtp_reply_filter', { '550 5.1.1 gone': '450 4.1.1 later' }) },
    );
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    const res = await agent.deliver(req);
    expect(res.recipients[0]).toMatchObject({ outcome: 'deferred', dsn: '4.1.1', text: 'host 127.0.0.1[127.0.0.1] said: 450 4.1.1 later (in reply to RCPT TO command)' });
    expect(texts()).toContain(`127.0.0.1[127.0.0.1]:${sink.endpoint.port}: replacing server reply "550 5.1.1 gone" with "450 4.1.1 later"`);
  });

  it('logs and reports the status smtp_delivery_status_filter gives, a deferral made a bounce', async () => {
    const { dir, sink, agent, texts } = await setup(
      { faults: [{ kind: 'reply', stage: 'rcpt', reply: '450 4.2.0 busy' }] },
      { statusFilter: maps('smtp_delivery_status_filter', { '4.2.0 host 127.0.0.1[127.0.0.1] said: 450 4.2.0 busy (in reply to RCPT TO command)': '5.2.0 given up' }, false) },
    );
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    const res = await agent.deliver(req);
    expect(res.recipients[0]).toMatchObject({ outcome: 'bounced', dsn: '5.2.0', text: 'given up' });
    expect(texts().some((t) => t.endsWith('dsn=5.2.0, status=bounced (given up)'))).toBe(true);
  });

  it('discards the EHLO keywords smtp_discard_ehlo_keyword_address_maps names for the server address', async () => {
    const { dir, sink, agent, texts } = await setup({}, { handshake: { discardMaps: maps('smtp_discard_ehlo_keyword_address_maps', { '127.0.0.1': 'size' }) } });
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    await agent.deliver(req);
    expect(sink.transactions()[0]!.mailParams).toEqual([]);
    expect(texts()[0]).toBe('discarding EHLO keywords: SIZE');
  });

  it('sends XFORWARD with the attributes the server names, only when smtp_send_xforward_command is on; a refusal is a warning', async () => {
    const attributes = {
      log_client_name: 'client.example', log_client_address: '192.0.2.1', log_client_port: '4567', log_protocol_name: 'ESMTP',
      log_helo_name: 'helo name', log_ident: 'ABC123', rewrite_context: 'remote',
    };
    const extensions = ['XFORWARD NAME ADDR HELO IDENT SOURCE'];
    const off = await setup({ extensions });
    const req0 = await writeTestQueueFile(join(off.dir, 'q'), { ...msg(['x@far.example']), attributes }, 'smtp', off.sink.relay);
    await off.agent.deliver(req0);
    expect(off.sink.connections()[0]!.commands.filter((c) => c.startsWith('XFORWARD'))).toEqual([]);
    const on = await setup({ extensions, faults: [{ kind: 'reply', stage: 'xforward', reply: '550 5.5.0 no', times: 1 }] }, { sendXforward: true });
    const req = await writeTestQueueFile(join(on.dir, 'q'), { ...msg(['x@far.example']), attributes }, 'smtp', on.sink.relay);
    expect((await on.agent.deliver(req)).recipients[0]!.outcome).toBe('sent');
    expect(on.sink.connections()[0]!.commands.filter((c) => c.startsWith('XFORWARD'))).toEqual([
      'XFORWARD NAME=client.example ADDR=192.0.2.1',
      'XFORWARD HELO=helo+20name IDENT=ABC123 SOURCE=REMOTE',
    ]);
    expect(on.texts()[0]).toBe(`warning: host 127.0.0.1[127.0.0.1]:${on.sink.endpoint.port} said: 550 no (in reply to XFORWARD name/address command)`);
  });

  it('connects from smtp_bind_address; one that cannot be bound is warned about, or defers with smtp_bind_address_enforce', async () => {
    const bound = await setup({}, { bindAddress: '127.0.0.2' });
    const req = await writeTestQueueFile(join(bound.dir, 'q'), msg(['x@far.example']), 'smtp', bound.sink.relay);
    await bound.agent.deliver(req);
    expect(bound.sink.connections()[0]!.remoteAddress).toMatch(/127\.0\.0\.2$/);
    const loose = await setup({}, { bindAddress: '[192.0.2.1]' });
    const req2 = await writeTestQueueFile(join(loose.dir, 'q'), msg(['x@far.example']), 'smtp', loose.sink.relay);
    expect((await loose.agent.deliver(req2)).recipients[0]!.outcome).toBe('sent');
    expect(loose.texts()[0]).toBe('warning: smtp_connect_addr: bind 192.0.2.1: Cannot assign requested address');
    const strict = await setup({}, { bindAddress: '192.0.2.1', bindAddressEnforce: true });
    const req3 = await writeTestQueueFile(join(strict.dir, 'q'), msg(['x@far.example']), 'smtp', strict.sink.relay);
    expect((await strict.agent.deliver(req3)).recipients[0]).toMatchObject({ outcome: 'deferred', dsn: '4.4.0', text: 'server configuration error' });
    expect(strict.sink.connections()).toHaveLength(0);
  });

  it('ends a probe at the 354 reply to DATA with smtp_address_verify_target = data, and drops the connection', async () => {
    const { dir, sink, agent } = await setup({}, { verifyTarget: 'data' });
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    const res = await agent.deliver({ ...req, flags: DEL_REQ_FLAG_USR_VRFY });
    expect(res.recipients[0]).toMatchObject({ outcome: 'sent', dsn: '2.0.0', text: '354 End data with <CR><LF>.<CR><LF>' });
    const [conn] = await sink.waitForClosed(1, 5000);
    expect(conn!.commands.slice(-1)).toEqual(['DATA']);
    expect(sink.transactions().filter((t) => t.accepted)).toEqual([]);
  });

  it('applies the PIX workarounds to a "220 ****" greeting: HELO, and a pause before "." for mail older than the threshold', async () => {
    const pixSettings = { workarounds: 'disable_esmtp, delay_dotcrlf', thresholdSec: 5, delayMs: 300 };
    const { dir, sink, agent, texts } = await setup({ faults: [{ kind: 'reply', stage: 'connect', reply: '220 ****************' }] }, { pix: pixSettings });
    const req = await writeTestQueueFile(join(dir, 'q'), msg(['x@far.example']), 'smtp', sink.relay);
    const started = Date.now();
    expect((await agent.deliver({ ...req, arrivalTime: started - 60_000 })).recipients[0]!.outcome).toBe('sent');
    expect(Date.now() - started).toBeGreaterThanOrEqual(pixSettings.delayMs);
    expect(sink.connections()[0]!.heloVerb).toBe('HELO');
    expect(texts()[0]).toBe(`${req.queueId}: enabling PIX workarounds: disable_esmtp delay_dotcrlf for 127.0.0.1[127.0.0.1]:${sink.endpoint.port}`);
    // fresh mail: no delay_dotcrlf
    await agent.deliver({ ...req, arrivalTime: Date.now() });
    expect(texts().filter((t) => t.includes('enabling PIX'))[1]).toContain('enabling PIX workarounds: disable_esmtp for');
  });
});

describe('dsnOf (smtp_chat_resp)', () => {
  /** A reply as SmtpConnection.read() returns it, from its raw lines. */
  const reply = (...raw: string[]) => ({ code: Number(raw[0]!.slice(0, 3)) || 0, text: raw.join(' '), lines: raw.map((l) => l.slice(4)) });

  it('takes a valid status of the reply\'s class from the last line', () => {
    expect(dsnOf(reply('550-5.1.1 first', '550 5.1.2 last'))).toBe('5.1.2');
    expect(dsnOf(reply('451 4.3.0 later'))).toBe('4.3.0');
  });
  it('falls back to C.0.0 for a status of another class, a malformed one, or none', () => {
    expect(dsnOf(reply('200 4.0.0 queued'))).toBe('2.0.0');
    expect(dsnOf(reply('550 5.1 short'))).toBe('5.0.0');
    expect(dsnOf(reply('554 no status'))).toBe('5.0.0');
  });
  it('gives 5.5.0 to a reply outside 2xx, 4xx and 5xx', () => {
    expect(dsnOf(reply('300 carry on'))).toBe('5.5.0');
    expect(dsnOf(reply('354 go ahead'))).toBe('5.5.0');
  });
});
