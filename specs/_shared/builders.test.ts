// The scenario builders give the same data a scenario would spell out in full.
import { describe, expect, it } from 'vitest';
import { awaitRelayed, envelope, oneMessage, relayToRemote, withAliases } from './builders.ts';

describe('relayToRemote', () => {
  it('routes remote.example to the peer "remote" and keeps the scenario\'s own settings after it', () => {
    expect(relayToRemote({ smtp_helo_name: 'out.example' }, [{ name: 'virtual', content: 'a@x b@y\n' }])).toEqual({
      main: { transport_maps: 'texthash:$config_directory/transport', smtp_helo_name: 'out.example' },
      maps: [
        { name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' },
        { name: 'virtual', content: 'a@x b@y\n' },
      ],
    });
  });

  it('puts transport_maps first among main.cf parameters', () => {
    expect(Object.keys(relayToRemote({ relay_domains: 'r.example' }).main)).toEqual(['transport_maps', 'relay_domains']);
  });
});

describe('withAliases', () => {
  it('adds the aliases table in front of a configuration', () => {
    expect(withAliases('a: b\n', relayToRemote({ hopcount_limit: '3' }))).toEqual({
      main: { alias_maps: 'lmdb:$config_directory/aliases', transport_maps: 'texthash:$config_directory/transport', hopcount_limit: '3' },
      maps: [
        { name: 'aliases', content: 'a: b\n', build: 'postalias' },
        { name: 'transport', content: 'remote.example smtp:{{sink:remote}}\n' },
      ],
    });
  });

  it('alone, gives only the aliases table', () => {
    expect(withAliases('x: y\n')).toEqual({ main: { alias_maps: 'lmdb:$config_directory/aliases' }, maps: [{ name: 'aliases', content: 'x: y\n', build: 'postalias' }] });
  });
});

describe('envelope', () => {
  it('is EHLO, MAIL FROM and one RCPT TO, for the scenario to go on from', () => {
    expect(envelope({ to: 'nobody@mx.twinpost.test' })).toStrictEqual([
      { command: 'EHLO client.example', expect: 250 },
      { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
      { command: 'RCPT TO:<nobody@mx.twinpost.test>', expect: 250 },
    ]);
  });
});

describe('oneMessage', () => {
  it('by default sends from alice@client.example to bob@remote.example, every reply a success', () => {
    expect(oneMessage({ data: 'Subject: s\r\n\r\nb\r\n' })).toStrictEqual({
      kind: 'smtp',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<alice@client.example>', expect: 250 },
        { command: 'RCPT TO:<bob@remote.example>', expect: 250 },
        { data: 'Subject: s\r\n\r\nb\r\n', expect: 250 },
        { command: 'QUIT', expect: 221 },
      ],
    });
  });

  it('names the session, adds MAIL parameters, one RCPT per recipient and the replies asked for', () => {
    expect(oneMessage({ name: 'n', from: '', params: 'BODY=8BITMIME', to: ['a@l.example', 'b@l.example'], rcptReply: '250 2.1.5', data: 'x', dataReply: 451 })).toStrictEqual({
      kind: 'smtp',
      name: 'n',
      dialog: [
        { command: 'EHLO client.example', expect: 250 },
        { command: 'MAIL FROM:<> BODY=8BITMIME', expect: 250 },
        { command: 'RCPT TO:<a@l.example>', expect: '250 2.1.5' },
        { command: 'RCPT TO:<b@l.example>', expect: '250 2.1.5' },
        { data: 'x', expect: 451 },
        { command: 'QUIT', expect: 221 },
      ],
    });
  });
});

describe('awaitRelayed', () => {
  it('waits for one message and one removal without a count', () => {
    expect(awaitRelayed()).toStrictEqual([
      { kind: 'wait-sink', sink: 'remote', messages: 1 },
      { kind: 'wait', event: { kind: 'removed' } },
    ]);
  });

  it('counts removals as messages unless told otherwise', () => {
    expect(awaitRelayed(2)).toStrictEqual([
      { kind: 'wait-sink', sink: 'remote', messages: 2 },
      { kind: 'wait', event: { kind: 'removed' }, count: 2 },
    ]);
    expect(awaitRelayed(1, 3)[1]).toStrictEqual({ kind: 'wait', event: { kind: 'removed' }, count: 3 });
  });
});
