import { describe, expect, it } from 'vitest';
import { headerValue, parseMessage } from './message.ts';

describe('parseMessage', () => {
  it('unfolds headers, keeps their order and returns the body as received', () => {
    const msg = parseMessage(
      Buffer.from('Received: from a\r\n\tby b;\r\n Mon, 1 Jan 2024\r\nSubject:  hello \r\nX-Empty:\r\n\r\nline 1\r\n\r\nline 2\r\n'),
    );
    expect(msg.headers).toEqual([
      ['Received', 'from a\tby b; Mon, 1 Jan 2024'],
      ['Subject', 'hello'],
      ['X-Empty', ''],
    ]);
    expect(msg.body).toBe('line 1\r\n\r\nline 2\r\n');
    expect(headerValue(msg, 'subject')).toBe('hello');
    expect(headerValue(msg, 'To')).toBeUndefined();
  });

  it('handles a message without a body, one without headers, and bare LF', () => {
    expect(parseMessage('Subject: x\r\n')).toEqual({ headers: [['Subject', 'x']], body: '' });
    expect(parseMessage('\r\nonly body\r\n')).toEqual({ headers: [], body: 'only body\r\n' });
    expect(parseMessage('A: 1\n\nb\n')).toEqual({ headers: [['A', '1']], body: 'b\n' });
  });
});
