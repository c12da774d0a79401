/** ETRN: checks and reply texts as real Postfix 3.7.11 gives them (see specs/flush/etrn-fast-flush.ts). */
import { describe, expect, it } from 'vitest';
import { etrnCommand, validAddressLiteral, validHostname } from './etrn.ts';
import type { FlushClient } from './flush.ts';

const flush = (status: number, sites: string[] = []): FlushClient => ({
  add: async () => 0,
  sendSite: async (s) => (sites.push(s), status),
  sendFile: async () => 0,
  refresh: async () => 0,
  purge: async () => 0,
});
const st = { heloRequired: false, sawHelo: false, inTransaction: false, namaddr: 'localhost[127.0.0.1]' };

describe('ETRN', () => {
  it('checks syntax and state before asking flush', async () => {
    const warn: string[] = [];
    const w = (t: string) => void warn.push(t);
    expect(await etrnCommand('', st, flush(0), w)).toEqual({ reply: '500 Syntax: ETRN domain', ok: false });
    expect(await etrnCommand('a b', st, flush(0), w)).toEqual({ reply: '500 Syntax: ETRN domain', ok: false });
    expect(await etrnCommand('s\rink.test', st, flush(0), w)).toEqual({ reply: '500 Syntax: ETRN domain', ok: false });
    expect(await etrnCommand('bad..domain', st, flush(0), w)).toEqual({ reply: '501 Error: invalid parameter syntax', ok: false });
    expect(await etrnCommand('example.net', { ...st, inTransaction: true }, flush(0), w)).toEqual({ reply: '503 Error: MAIL transaction in progress', ok: false });
    expect(await etrnCommand('example.net', { ...st, heloRequired: true }, flush(0), w)).toEqual({ reply: '503 Error: send HELO/EHLO first', ok: false });
    expect(warn).toEqual([]);
  });

  it('maps flush statuses to 250 / 459 / 458 and strips one leading @ or #', async () => {
    const warn: string[] = [];
    const sites: string[] = [];
    expect(await etrnCommand('@example.net', st, flush(0, sites), (t) => void warn.push(t))).toEqual({ reply: '250 Queuing started', ok: true });
    expect(sites).toEqual(['example.net']);
    expect(await etrnCommand('#other.example', st, flush(4), (t) => void warn.push(t))).toEqual({ reply: '459 <other.example>: service unavailable', ok: false });
    expect(await etrnCommand('[127.0.0.1]', st, flush(3), (t) => void warn.push(t))).toEqual({ reply: '458 Unable to queue messages', ok: false });
    expect(warn).toEqual(['reject: ETRN other.example... from localhost[127.0.0.1]', 'bad ETRN [127.0.0.1]... from localhost[127.0.0.1]']);
  });

  it('knows hostnames and address literals', () => {
    expect(validHostname('mx-1.example.net')).toBe(true);
    expect(validHostname('-a.example')).toBe(false);
    expect(validHostname('1.2.3.4')).toBe(false);
    expect(validAddressLiteral('[192.0.2.1]')).toBe(true);
    expect(validAddressLiteral('[ipv6:2001:db8::1]')).toBe(true);
    expect(validAddressLiteral('[300.1.1.1]')).toBe(false);
  });
});
