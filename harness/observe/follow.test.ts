/**
 * MaillogFollower on a scratch file: appearing later, partial lines, waits that resolve and
 * time out, truncation and recreation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MaillogFollower } from './follow.ts';
import { scratchDir } from '../util/cleanup.ts';

const CONNECT = 'Nov 28 19:50:49 mx postfix/smtpd[9880]: connect from localhost[127.0.0.1]\n';
const REMOVED = 'Nov 28 19:50:49 mx postfix/qmgr[9876]: A327C20C513: removed\n';

let dir: string;
let file: string;
let follower: MaillogFollower;

beforeEach(() => {
  dir = scratchDir('follow');
  file = path.join(dir, 'maillog');
  follower = new MaillogFollower(file);
});

afterEach(() => {
  follower.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('MaillogFollower', () => {
  it('waits for a file that does not exist yet', async () => {
    follower.start();
    expect(follower.events()).toEqual([]);
    const waiting = follower.waitFor((e) => e.kind === 'connect', 5000);
    fs.writeFileSync(file, CONNECT);
    const ev = await waiting;
    expect(ev).toMatchObject({ kind: 'connect', client: 'localhost[127.0.0.1]' });
    expect(follower.raw()).toBe(CONNECT);
  });

  it('keeps file order when a waiter reads the log from its predicate while lines arrive', async () => {
    const line = (n: number) => `Nov 28 19:50:49 mx postfix/qmgr[9876]: A327C20C51${n}: removed\n`;
    fs.writeFileSync(file, line(0));
    follower.start();
    // When line 1 is seen, line 3 reaches the file and the predicate reads the log (as the
    // scenario runner's event checks do) while line 2, read with line 1, is not yet added.
    const waiting = follower.waitFor((e) => {
      if (e.kind === 'removed' && e.queueId === 'A327C20C511' && !fs.readFileSync(file, 'utf8').includes(line(3))) {
        fs.appendFileSync(file, line(3));
        void follower.raw();
      }
      return e.kind === 'removed' && e.queueId === 'A327C20C513';
    }, 5000);
    fs.appendFileSync(file, line(1) + line(2));
    await waiting;
    expect(follower.raw()).toBe([0, 1, 2, 3].map(line).join(''));
  });

  it('parses only complete lines', async () => {
    follower.start();
    fs.writeFileSync(file, CONNECT + REMOVED.slice(0, 30));
    await follower.waitFor((e) => e.kind === 'connect', 5000);
    expect(follower.events().map((e) => e.kind)).toEqual(['connect']);
    expect(follower.raw()).toBe(CONNECT);
    fs.appendFileSync(file, REMOVED.slice(30));
    const ev = await follower.waitFor((e) => e.kind === 'removed', 5000);
    expect(ev.queueId).toBe('A327C20C513');
    expect(follower.raw()).toBe(CONNECT + REMOVED);
  });

  it('finds already-logged events and honours fromIndex', async () => {
    fs.writeFileSync(file, CONNECT + REMOVED + CONNECT);
    follower.start();
    expect(follower.events()).toHaveLength(3);
    const second = follower.waitFor((e) => e.kind === 'connect', 5000, 1);
    expect((await second).raw).toBe(CONNECT.trimEnd());
    // From index 3 nothing matches yet: the wait resolves on the next line only.
    const later = follower.waitFor((e) => e.kind === 'removed', 5000, 3);
    fs.appendFileSync(file, REMOVED);
    await expect(later).resolves.toMatchObject({ kind: 'removed' });
    expect(follower.events()).toHaveLength(4);
  });

  it('rejects on timeout, naming the wait and showing the last lines', async () => {
    fs.writeFileSync(file, CONNECT);
    follower.start();
    const err = await follower.waitFor((e) => e.kind === 'removed', 200, 0, 'qmgr removed').catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('timed out after 200 ms waiting for qmgr removed');
    expect((err as Error).message).toContain('connect from localhost[127.0.0.1]');
  });

  it('describes an unnamed wait by its predicate', async () => {
    follower.start();
    const err = await follower.waitFor((e) => e.kind === 'fatal', 100).catch((e: Error) => e);
    expect((err as Error).message).toMatch(/e\.kind === .fatal./);
    expect((err as Error).message).toContain('(the log is empty)');
  });

  it('starts over after truncation and after the file is replaced, keeping old events', async () => {
    fs.writeFileSync(file, CONNECT + CONNECT);
    follower.start();
    expect(follower.events()).toHaveLength(2);
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, REMOVED);
    await follower.waitFor((e) => e.kind === 'removed', 5000);
    fs.rmSync(file);
    fs.writeFileSync(file, REMOVED.replace('A327C20C513', 'B327C20C513'));
    const ev = await follower.waitFor((e) => e.queueId === 'B327C20C513', 5000);
    expect(ev.kind).toBe('removed');
    expect(follower.events().map((e) => e.kind)).toEqual(['connect', 'connect', 'removed', 'removed']);
  });

  it('rejects pending waits on stop()', async () => {
    follower.start();
    const waiting = follower.waitFor(() => false, 5000);
    follower.stop();
    await expect(waiting).rejects.toThrow(/stopped while waiting/);
  });
});
