import { createServer, connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { SocketInput } from './socket-input.ts';
import { VSTREAM_BUFSIZE } from './vstream.ts';

/** A connected pair on the loopback: the server's end read through a SocketInput. */
async function pair(onRead: () => void): Promise<{ input: SocketInput; client: Socket; close: () => void }> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const accepted = new Promise<Socket>((r) => server.once('connection', r));
  const client = connect(port, '127.0.0.1');
  const socket = await accepted;
  const input = new SocketInput(socket, ['end', 'close', 'error'], onRead);
  return { input, client, close: () => (client.destroy(), socket.destroy(), server.close()) };
}

async function receive(input: SocketInput, n: number): Promise<void> {
  while (input.buf.length < n) await input.wait(5000);
}

describe('SocketInput: what a Postfix daemon would have read', () => {
  let close = (): void => undefined;
  afterEach(() => close());

  it('counts reads of one VSTREAM buffer each, calling back before each', async () => {
    let reads = 0;
    const p = await pair(() => reads++);
    close = p.close;
    const sent = 2 * VSTREAM_BUFSIZE + 100;
    p.client.write(Buffer.alloc(sent, 0x61));
    await receive(p.input, sent);
    p.input.takeBytes(10);
    expect(reads).toBe(1);
    expect(p.input.unreadAtClose()).toBe(true);
    p.input.takeBytes(VSTREAM_BUFSIZE - 10);
    expect(reads).toBe(1);
    p.input.takeBytes(1);
    expect(reads).toBe(2);
    expect(p.input.unreadAtClose()).toBe(true);
    p.input.takeBytes(VSTREAM_BUFSIZE);
    expect(reads).toBe(3);
    expect(p.input.unreadAtClose()).toBe(false);
  });

  it('leaves nothing unread when all that came fits in the buffer Postfix read', async () => {
    const p = await pair(() => undefined);
    close = p.close;
    p.client.write('QUIT\r\nNOOP\r\n');
    await receive(p.input, 12);
    p.input.takeBytes(6);
    expect(p.input.unreadAtClose()).toBe(false);
  });
});
