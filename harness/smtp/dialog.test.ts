import { afterEach, describe, expect, it } from 'vitest';
import { SmtpDialog, SmtpClosedError, SmtpTimeoutError } from './dialog.ts';
import { scriptedServer, receivedUntil, type ScriptedServer } from './test-server.ts';

let server: ScriptedServer | undefined;
const dialogs: SmtpDialog[] = [];

afterEach(async () => {
  await Promise.all(dialogs.splice(0).map((d) => d.close()));
  await server?.close();
  server = undefined;
});

async function connect(port: number, timeoutMs = 5_000): Promise<SmtpDialog> {
  const d = await SmtpDialog.connect({ host: '127.0.0.1', port, timeoutMs });
  dialogs.push(d);
  return d;
}

describe('SmtpDialog', () => {
  it('reads a multi-line greeting and a multi-line EHLO reply', async () => {
    server = await scriptedServer((socket) => {
      socket.write('220-mx.example ESMTP\r\n220 second line\r\n');
      void receivedUntil(socket, (b) => b.includes('\r\n')).then(() =>
        socket.write('250-mx.example\r\n250-PIPELINING\r\n250 ENHANCEDSTATUSCODES\r\n'),
      );
    });
    const s = await connect(server.port);
    expect(s.greeting.code).toBe(220);
    expect(s.greeting.lines).toEqual(['mx.example ESMTP', 'second line']);
    const ehlo = await s.command('EHLO client.example');
    expect(ehlo.code).toBe(250);
    expect(ehlo.lines).toEqual(['mx.example', 'PIPELINING', 'ENHANCEDSTATUSCODES']);
    expect(s.transcript.map((t) => t.dir)).toEqual(['S', 'C', 'S']);
    expect(s.transcript[1].text).toBe('EHLO client.example');
  });

  it('pipelines: writes the whole group before reading any reply', async () => {
    // This server answers nothing until all three commands have arrived, so a client that
    // waited for each reply before sending the next command would time out here.
    server = await scriptedServer((socket) => {
      socket.write('220 ready\r\n');
      void receivedUntil(socket, (b) => b.toString().split('\r\n').length > 3).then(() =>
        socket.write('250 2.1.0 sender ok\r\n250 2.1.5 rcpt ok\r\n354 go ahead\r\n'),
      );
    });
    const s = await connect(server.port, 2_000);
    const replies = await s.pipeline(['MAIL FROM:<a@example.com>', 'RCPT TO:<b@example.com>', 'DATA']);
    expect(replies.map((r) => r.code)).toEqual([250, 250, 354]);
    expect(replies.map((r) => r.enhanced)).toEqual(['2.1.0', '2.1.5', undefined]);
    expect(Buffer.concat(server.received[0]).toString()).toBe('MAIL FROM:<a@example.com>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n');
  });

  it('sends exact bytes: bare LF, NUL, CR and a very long line arrive untouched', async () => {
    const payload = Buffer.concat([Buffer.from('a\nb\0c\rd\r\n'), Buffer.alloc(20_000, 0x78), Buffer.from([0xff, 0x00, 0x0a])]);
    server = await scriptedServer((socket) => {
      socket.write('220 ready\r\n');
      void receivedUntil(socket, (b) => b.length >= payload.length).then(() => socket.write('250 got it\r\n'));
    });
    const s = await connect(server.port);
    await s.send(payload);
    const r = await s.readReply();
    expect(r.text).toBe('got it');
    expect(Buffer.concat(server.received[0])).toEqual(payload);
  });

  it('times out with an error naming the command waited on', async () => {
    server = await scriptedServer((socket) => socket.write('220 ready\r\n'));
    const s = await connect(server.port);
    const err = await s.command('NOOP', 100).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpTimeoutError);
    expect((err as Error).message).toContain('"NOOP"');
    expect((err as SmtpTimeoutError).timeoutMs).toBe(100);
  });

  it('rejects with closed === true and the partial reply when the server hangs up mid-reply', async () => {
    server = await scriptedServer((socket) => {
      socket.write('220 ready\r\n');
      void receivedUntil(socket, (b) => b.includes('\r\n')).then(() => {
        socket.end('250-first line\r\n250-sec');
      });
    });
    const s = await connect(server.port);
    const err = await s.command('EHLO x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmtpClosedError);
    expect((err as SmtpClosedError).closed).toBe(true);
    expect((err as SmtpClosedError).partial).toBe('250-first line\r\n250-sec');
    expect((err as Error).message).toContain('"EHLO x"');
    await s.closed;
    expect(s.isOpen).toBe(false);
    await expect(s.readReply()).rejects.toMatchObject({ closed: true });
  });

  it('quit() sends QUIT, returns the reply and resolves once the server has closed', async () => {
    server = await scriptedServer((socket) => {
      socket.write('220 ready\r\n');
      void receivedUntil(socket, (b) => b.toString() === 'QUIT\r\n').then(() => socket.end('221 2.0.0 Bye\r\n'));
    });
    const s = await connect(server.port);
    const r = await s.quit();
    expect(r?.code).toBe(221);
    expect(s.isOpen).toBe(false);
  });

  it('rejects connect() when the port refuses connections', async () => {
    server = await scriptedServer(() => undefined);
    const port = server.port;
    await server.close();
    server = undefined;
    await expect(SmtpDialog.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
