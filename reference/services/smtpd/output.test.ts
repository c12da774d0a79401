// smtpd's replies leave as Postfix's output stream sends them: held while client input is
// waiting, written together once smtpd must wait for more (smtpd_chat.c, vstream).
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { createFileLogger } from '../postlogd/postlogd.ts';
import { createSmtpd, type SmtpdServer } from './smtpd.ts';
import { networkMatcher } from './mynetworks.ts';
import type { SmtpdSettings } from './session.ts';
import { fakeRewrite, recordingCleanup } from './testing.ts';

const SETTINGS: SmtpdSettings = {
  myhostname: 'mx.twinpost.test', smtpdBanner: 'mx.twinpost.test ESMTP Postfix', mailName: 'Postfix',
  messageSizeLimit: 10240000, lineLengthLimit: 2048, recipientLimit: 1000, recipientOvershootLimit: 1000, softErrorLimit: 10, hardErrorLimit: 20,
  junkCommandLimit: 100, errorSleepMs: 0, timeoutMs: 5000, heloRequired: false, disableVrfy: false, smtputf8Enable: true, smtputf8Autodetect: false,
  forbiddenCommands: ['CONNECT', 'GET', 'POST'], forbidUnauthPipelining: false, logService: 'smtpd',
  forbidBareNewline: 'no', forbidBareNewlineRejectCode: 550, bareNewlineExcluded: () => false, localHeaderRewrite: () => false,
};

let server: SmtpdServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server whose sockets count the writes they are given. */
async function countingServer(writes: string[]): Promise<number> {
  server = createSmtpd({
    settings: SETTINGS, cleanup: recordingCleanup(), rewrite: fakeRewrite('mx.twinpost.test', ['mx.twinpost.test']),
    logger: createFileLogger({ myhostname: 'mx.twinpost.test' }),
    restrictions: {
      relayRestrictions: ['permit_mynetworks'], recipientRestrictions: [], rejectUnlistedRecipient: false,
      unknownLocalRecipientRejectCode: 550, relayDomainsRejectCode: 554, isMyNetwork: networkMatcher(['127.0.0.0/8']),
      lookupLocalRecipient: async () => 'known',
    },
  });
  server.server.prependListener('connection', (s: Socket) => {
    const write = s.write.bind(s) as (chunk: string) => boolean;
    (s as unknown as { write: (chunk: string) => boolean }).write = (chunk: string) => {
      writes.push(String(chunk));
      return write(chunk);
    };
  });
  await new Promise<void>((r) => server!.server.listen(0, '127.0.0.1', r));
  return (server.server.address() as AddressInfo).port;
}

/** Send `input` in one write after the greeting; resolve with everything received once `replies` lines ended the reading. */
function play(port: number, input: string, lines: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1');
    let got = '';
    let sent = false;
    c.on('data', (b) => {
      got += b.toString('latin1');
      if (!sent && got.endsWith('\r\n')) {
        sent = true;
        c.write(input);
      }
      if (got.split('\r\n').length - 1 >= lines + 1) {
        c.end();
        resolve(got);
      }
    });
    c.on('error', reject);
  });
}

describe('smtpd output', () => {
  it('writes the replies to a pipelined group in one write, when the group is used up', async () => {
    const writes: string[] = [];
    const port = await countingServer(writes);
    const got = await play(port, 'NOOP\r\nBDAT 1\r\nx\r\nRSET\r\n', 4);
    expect(got.split('\r\n').slice(1, 5)).toEqual(['250 2.0.0 Ok', '503 5.5.1 Error: need RCPT command', '500 5.5.2 Error: bad syntax', '250 2.0.0 Ok']);
    expect(writes).toEqual(['220 mx.twinpost.test ESMTP Postfix\r\n', '250 2.0.0 Ok\r\n503 5.5.1 Error: need RCPT command\r\n500 5.5.2 Error: bad syntax\r\n250 2.0.0 Ok\r\n']);
  });
});
