import { afterEach, describe, expect, it } from 'vitest';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createSink, type Sink } from '../../../harness/sink/index.ts';
import { createFileLogger } from '../postlogd/postlogd.ts';
import { writeTestQueueFile } from '../master/test-queue.ts';
import { breaksLines, createSmtpAgent, dataBytes, dsnOf } from './smtp.ts';
import { parseNexthop } from './nexthop.ts';
import { DSN_NOTIFY_FAILURE, DSN_NOTIFY_SUCCESS } from '../../global/dsn-mask.ts';
import { scratchDir } from '../../../harness/util/cleanup.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(faults: Parameters<typeof createSink>[0] = {}) {
  const dir = scratchDir('smtp-agent');
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const sink = await createSink(faults);
  cleanups.push(() => sink.close());
  const log = createFileLogger({ myhostname: 'mx.twinpost.test' });
  const agent = createSmtpAgent({ transport: 'smtp', logService: 'smtp', logger: log, heloName: 'mx.twinpost.test', connectTimeoutMs: 5000, replyTimeoutMs: 5000 });
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
