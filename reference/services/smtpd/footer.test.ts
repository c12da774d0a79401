import { describe, expect, it } from 'vitest';
import { filterChars, softBounced, withFooter } from './footer.ts';
import { replyText } from './reply.ts';

const lookup = (name: string) => ({ client_address: '127.0.0.1', server_name: 'mx.example' } as Record<string, string>)[name];

describe('smtpd_reject_footer', () => {
  it('adds one reply line per \\n, repeating the code and status code, with $names expanded', () => {
    const r = withFooter({ code: 550, enhanced: '5.1.1', text: 'User unknown' }, 'See $server_name\\nfor ${client_address}', 'abcdefghijklmnopqrstuvwxyz0123456789.', lookup);
    expect(replyText(r)).toBe('550-5.1.1 User unknown\n550-5.1.1 See mx.example\n550 5.1.1 for 127.0.0.1');
  });

  it('replaces characters outside smtpd_expansion_filter in expanded values only', () => {
    const r = withFooter({ code: 501, text: 'Syntax' }, 'from $client_address.', 'abc0123456789', lookup);
    expect(replyText(r)).toBe('501-Syntax\n501 from 127_0_0_1.');
  });

  it('leaves positive replies alone and joins a \\c line to the last line', () => {
    expect(withFooter({ code: 250, text: 'Ok' }, 'x', '', lookup)).toEqual({ code: 250, text: 'Ok' });
    expect(replyText(withFooter({ code: 450, text: 'Later' }, '\\c (ask $server_name)', 'abcdefghijklmnopqrstuvwxyz.', lookup))).toBe('450 Later (ask mx.example)');
  });

  it('reads octal and letter escapes in a filter', () => {
    expect([...filterChars('\\t\\40a')]).toEqual(['\t', ' ', 'a']);
  });
});

describe('soft_bounce in the reply output', () => {
  it('turns 5xx into 4xx with the status class', () => {
    expect(softBounced({ code: 500, enhanced: '5.5.2', text: 'x' })).toEqual({ code: 400, enhanced: '4.5.2', text: 'x' });
    expect(softBounced({ code: 421, enhanced: '4.4.2', text: 'x' })).toEqual({ code: 421, enhanced: '4.4.2', text: 'x' });
  });
});
