/**
 * The gate's spec format: what users write is read as they meant it, and every mistake is
 * named with its file and check.
 */
import { describe, expect, it } from 'vitest';
import { parseSpecFile, loadSpecs, SpecError } from './spec.ts';

const parse = (yaml: string) => parseSpecFile('t.yaml', yaml);

describe('gate spec files', () => {
  it('reads a check in the user words, with defaults', () => {
    const [c] = parse(`
- name: sales goes to the CRM
  send: { from: a@example.net, to: sales@corp.example, size: 21MB, client: 203.0.113.9 }
  expect:
    relayed: [{ host: crm.corp.example, to: sales@crm.corp.example }, smarthost.isp.example]
    rejected: "552 5.3.4 too big"
`);
    expect(c!.send).toMatchObject({ from: 'a@example.net', to: ['sales@corp.example'], size: 21 * 1024 * 1024, client: '203.0.113.9', helo: 'client.twinpost.test', subject: 'sales goes to the CRM' });
    expect(c!.expect.relayed).toEqual([{ host: 'crm.corp.example', to: ['sales@crm.corp.example'] }, { host: 'smarthost.isp.example' }]);
    expect(c!.expect.rejected).toEqual({ code: 552, enhanced: '5.3.4', text: 'too big' });
  });

  it('accepts replies as a number and sizes in KB, and the null sender', () => {
    const [c] = parse(`- { name: n, send: { from: "", to: [x@y.example], size: 500KB }, expect: { rejected: 554 } }`);
    expect(c!.send.from).toBe('');
    expect(c!.send.size).toBe(512_000);
    expect(c!.expect.rejected).toEqual({ code: 554 });
  });

  it.each([
    ['- { name: n, send: { from: a@b.example, to: a@b.example }, expect: { relay: [x] } }', /check "n": unknown key "expect.relay" \(known: accepted, rejected, relayed/],
    ['- { name: n, send: { from: a@b.example, to: a@b.example, size: huge } }', /send.size: "huge" is not a size/],
    ['- { name: n, send: { from: a@b.example } }', /check "n": send.to is required/],
    ['- { name: n, send: { to: a@b.example } }', /send.from is required \(write from: "" for the null sender\)/],
    ['- { send: { from: a@b.example, to: a@b.example } }', /t.yaml, check #1: name must be text/],
    ['- { name: n, send: { from: a@b.example, to: a@b.example }, expect: { rejected: "five" } }', /"five" is not a reply/],
    ['- { name: n, send: { from: a@b.example, to: a@b.example }, expect: { accepted: true, rejected: 550 } }', /contradict/],
    ['name: n', /must be a list of checks/],
    ['- [unclosed', /not valid YAML/],
  ])('rejects %s', (yaml, message) => {
    expect(() => parse(yaml)).toThrow(SpecError);
    expect(() => parse(yaml)).toThrow(message);
  });

  it('loads every spec file of the example directory', () => {
    const checks = loadSpecs(['fixtures/gate-example/specs']);
    expect(checks.length).toBeGreaterThanOrEqual(10);
    expect(new Set(checks.map((c) => c.file.split('/').pop()))).toEqual(new Set(['aliases.yaml', 'policy.yaml', 'routing.yaml']));
    expect(() => loadSpecs(['fixtures/no-such-dir'])).toThrow(/no such spec file or directory/);
  });
});
