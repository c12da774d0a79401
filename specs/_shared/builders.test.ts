// The scenario builders give the same data a scenario would spell out in full.
import { describe, expect, it } from 'vitest';
import { awaitDeliveries, awaitDisconnectAndDelivery, awaitRelayed, dataThenQuit, envelope, localMessage, messageToDomain, oneMessage, relayToRemote, routeDomains, withAliases } from './builders.ts';

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

describe('routeDomains', () => {
  it('writes one transport line a domain, in order, in front of the scenario\'s own maps', () => {
    expect(routeDomains({ 'a.example': 'slow:{{sink:one}}', 'b.example': 'smtp:[127.0.0.1]' }, { main: { hopcount_limit: '3' }, maps: [{ name: 'x', content: 'y\n' }] })).toStrictEqual({
      main: { transport_maps: 'texthash:$config_directory/transport', hopcount_limit: '3' },
      maps: [
        { name: 'transport', content: 'a.example slow:{{sink:one}}\nb.example smtp:[127.0.0.1]\n' },
        { name: 'x', content: 'y\n' },
      ],
    });
  });

  it('keeps master.cf lines where the scenario put them, and alone gives only the table', () => {
    expect(Object.keys(routeDomains({ 'a.example': 'x:y' }, { main: {}, master: ['x unix - - n - - smtp'] }))).toEqual(['main', 'master', 'maps']);
    expect(routeDomains({ 'a.example': 'x:y' })).toStrictEqual({
      main: { transport_maps: 'texthash:$config_directory/transport' },
      maps: [{ name: 'transport', content: 'a.example x:y\n' }],
    });
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

describe('dataThenQuit', () => {
  it('is DATA with the content, then QUIT, the reply to the data as asked', () => {
    expect(dataThenQuit('x', '554 5.7.1')).toStrictEqual([{ data: 'x', expect: '554 5.7.1' }, { command: 'QUIT', expect: 221 }]);
    expect(dataThenQuit('x')[0]).toStrictEqual({ data: 'x', expect: 250 });
  });
});

describe('messageToDomain', () => {
  it('sends "to DOMAIN" to bob@DOMAIN in a session named DOMAIN, then waits for its delivery line', () => {
    const [session, wait] = messageToDomain('a.example');
    expect(session).toMatchObject({ kind: 'smtp', name: 'a.example' });
    expect(session).toHaveProperty('dialog.1', { command: 'MAIL FROM:<alice@client.example>', expect: 250 });
    expect(session).toHaveProperty('dialog.2', { command: 'RCPT TO:<bob@a.example>', expect: 250 });
    expect(session).toHaveProperty('dialog.3', { data: 'Subject: to a.example\r\n\r\nhello\r\n', expect: 250 });
    expect(wait).toStrictEqual({ kind: 'wait', event: { kind: 'delivery', to: 'bob@a.example' } });
  });

  it('takes another sender and body', () => {
    const [session] = messageToDomain('b.example', { from: '', body: 'other' });
    expect(session).toHaveProperty('dialog.1.command', 'MAIL FROM:<>');
    expect(session).toHaveProperty('dialog.3.data', 'Subject: to b.example\r\n\r\nother\r\n');
  });
});

describe('localMessage', () => {
  it('sends one message named by its subject, each RCPT answered 250 2.1.5, then waits for each delivery line', () => {
    const [session, ...waits] = localMessage({ from: '', to: ['a@mx.example', 'b@mx.example'], subject: 's' });
    expect(session).toMatchObject({ kind: 'smtp', name: 's' });
    expect(session).toHaveProperty('dialog.2', { command: 'RCPT TO:<a@mx.example>', expect: '250 2.1.5' });
    expect(session).toHaveProperty('dialog.3', { command: 'RCPT TO:<b@mx.example>', expect: '250 2.1.5' });
    expect(session).toHaveProperty('dialog.4', { data: 'Subject: s\r\n\r\nHi.\r\n', expect: 250 });
    expect(waits).toStrictEqual([{ kind: 'wait', event: { kind: 'delivery', to: 'a@mx.example' } }, { kind: 'wait', event: { kind: 'delivery', to: 'b@mx.example' } }]);
  });

  it('waits for removed queue files, with the count, when asked', () => {
    expect(localMessage({ to: 'a@mx.example', subject: 's', removed: 1 }).slice(2)).toStrictEqual([{ kind: 'wait', event: { kind: 'removed' }, count: 1 }]);
  });
});

describe('awaitDeliveries', () => {
  it('waits for each recipient\'s delivery line in the order given', () => {
    expect(awaitDeliveries(['b@x.example', 'a@x.example'])).toStrictEqual([{ kind: 'wait', event: { kind: 'delivery', to: 'b@x.example' } }, { kind: 'wait', event: { kind: 'delivery', to: 'a@x.example' } }]);
  });
});

describe('awaitDisconnectAndDelivery', () => {
  it('waits for the disconnect, then for the recipient\'s sent delivery', () => {
    expect(awaitDisconnectAndDelivery('n@mx.example')).toStrictEqual([
      { kind: 'wait', event: { kind: 'disconnect' } },
      { kind: 'wait', event: { kind: 'delivery', to: 'n@mx.example', status: 'sent' } },
    ]);
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
