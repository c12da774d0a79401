import { describe, expect, it } from 'vitest';
import { formatReply, parseReply, plainReply, reply, replyText } from './reply.ts';

describe('smtpd replies', () => {
  it('writes one line, with or without an enhanced status code', () => {
    expect(formatReply(reply(250, '2.1.0', 'Ok'))).toBe('250 2.1.0 Ok\r\n');
    expect(formatReply(plainReply(354, 'End data with <CR><LF>.<CR><LF>'))).toBe('354 End data with <CR><LF>.<CR><LF>\r\n');
  });

  it('writes a multi-line reply with "-" after the code of every line but the last', () => {
    expect(formatReply(plainReply(250, ['mx.example', 'PIPELINING', 'SIZE']))).toBe('250-mx.example\r\n250-PIPELINING\r\n250 SIZE\r\n');
  });

  it('takes apart a reply built as text and gives the same text back', () => {
    for (const text of ['554 5.7.1 <a@b>: Relay access denied', '250 Queuing started', '459 <x.example>: service unavailable', '421 4.7.0 mx Error: too many connections from 127.0.0.1', '451 4.3.0 a\nb']) {
      expect(replyText(parseReply(text))).toBe(text);
    }
    expect(parseReply('550 5.1.1 <u@x>: unknown')).toEqual({ code: 550, enhanced: '5.1.1', text: '<u@x>: unknown' });
    expect(parseReply('250 Queuing started').enhanced).toBeUndefined();
    expect(() => parseReply('no reply')).toThrow(/not an SMTP reply/);
  });
});
