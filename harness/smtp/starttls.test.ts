import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpDialog } from './dialog.ts';
import { selfSignedCert } from './test-cert.ts';
import { scriptedServer, receivedUntil, type ScriptedServer } from './test-server.ts';

let key: Buffer;
let cert: Buffer;
let server: ScriptedServer | undefined;

beforeAll(async () => {
  ({ key, cert } = await selfSignedCert('mx.twinpost.test'));
});

afterAll(async () => {
  await server?.close();
});

/** A server that offers STARTTLS, switches to TLS on the same socket and answers EHLO there. */
function tlsAfterStarttls(socket: import('node:net').Socket): void {
  socket.write('220 mx.twinpost.test ESMTP\r\n');
  void receivedUntil(socket, (b) => b.toString().endsWith('STARTTLS\r\n')).then(() => {
    socket.write('220 2.0.0 Ready to start TLS\r\n', () => {
      const secure = new tls.TLSSocket(socket, { isServer: true, key, cert });
      secure.on('error', () => undefined);
      void receivedUntil(secure, (b) => b.includes('\r\n')).then((line) =>
        secure.write(`250 secure hello, you said ${line.toString().trim()} over ${secure.getProtocol()}\r\n`),
      );
    });
  });
}

describe('SmtpDialog.starttls', () => {
  it('upgrades the connection and continues the dialog over TLS', async () => {
    server = await scriptedServer(tlsAfterStarttls);
    const s = await SmtpDialog.connect({ host: '127.0.0.1', port: server.port, timeoutMs: 5_000 });
    try {
      expect(s.secure).toBe(false);
      const r = await s.starttls();
      expect(r.code).toBe(220);
      expect(s.secure).toBe(true);
      const cn = (s.rawSocket as tls.TLSSocket).getPeerCertificate().subject.CN;
      expect(cn).toBe('mx.twinpost.test');
      const hello = await s.command('EHLO client.twinpost.test');
      expect(hello.text).toMatch(/^secure hello, you said EHLO client\.twinpost\.test over TLSv1\.[23]$/);
    } finally {
      await s.close();
    }
  });

  it('refuses an unverifiable certificate when asked to verify', async () => {
    server ??= await scriptedServer(tlsAfterStarttls);
    const s = await SmtpDialog.connect({ host: '127.0.0.1', port: server.port, timeoutMs: 5_000 });
    try {
      await expect(s.starttls({ rejectUnauthorized: true })).rejects.toThrow(/self[- ]signed/i);
    } finally {
      await s.close();
    }
  });
});
