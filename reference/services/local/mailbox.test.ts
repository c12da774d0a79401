/**
 * Mailbox locking and error codes: dotLock() as dot_lockfile() tries (exclusive create, retry
 * only on "file exists", stale locks removed), mboxDsn() as mbox_dsn() maps errors.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scratchDir } from '../../../harness/util/cleanup.ts';
import { appendMbox, dotLock, DotLockError, FileTooLarge, mboxDsn } from './mailbox.ts';

let dir: string;
beforeEach(() => { dir = scratchDir('mailbox'); });
afterEach(() => { rmSync(dir, { recursive: true, force: true }); });

const quick = { attempts: 2, delayMs: 10, staleSec: 500 };

describe('dotLock', () => {
  it('creates <path>.lock and removes it on release', async () => {
    const box = join(dir, 'nobody');
    const release = await dotLock(box, quick);
    expect(existsSync(`${box}.lock`)).toBe(true);
    await release();
    expect(existsSync(`${box}.lock`)).toBe(false);
  });

  it('gives up with EEXIST while a fresh lock is held', async () => {
    const box = join(dir, 'nobody');
    writeFileSync(`${box}.lock`, '');
    const err = await dotLock(box, quick).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DotLockError);
    expect((err as DotLockError).code).toBe('EEXIST');
    expect((err as DotLockError).message).toBe(`unable to create lock file ${box}.lock`);
  });

  it('removes a lock older than stale_lock_time and takes it', async () => {
    const box = join(dir, 'nobody');
    writeFileSync(`${box}.lock`, '');
    const old = new Date(Date.now() - 3600_000);
    utimesSync(`${box}.lock`, old, old);
    // ctime is not settable: a clock far ahead makes the lock stale instead
    const release = await dotLock(box, { ...quick, staleSec: 60 }, () => Date.now() + 3600_000);
    await release();
    expect(existsSync(`${box}.lock`)).toBe(false);
  });

  it('does not retry other errors: a missing directory fails at once with ENOENT', async () => {
    const start = Date.now();
    const err = await dotLock(join(dir, 'no-such-dir', 'Mailbox'), { ...quick, delayMs: 5000 }).catch((e: unknown) => e);
    expect((err as DotLockError).code).toBe('ENOENT');
    expect(Date.now() - start).toBeLessThan(4000);
  });
});

describe('mboxDsn', () => {
  it('maps errors as mbox_dsn() does', () => {
    expect(mboxDsn('EAGAIN', '5.2.0')).toBe('4.2.0');
    expect(mboxDsn('ESTALE', '5.2.0')).toBe('4.2.0');
    expect(mboxDsn('ENOSPC', '5.2.0')).toBe('4.3.0');
    expect(mboxDsn('EDQUOT', '4.2.0')).toBe('5.2.2');
    expect(mboxDsn('EFBIG', '4.2.0')).toBe('5.2.2');
    expect(mboxDsn('ENOENT', '5.2.0')).toBe('5.2.0');
    expect(mboxDsn('EACCES', '4.2.0')).toBe('4.2.0');
  });
});

describe('appendMbox with mailbox_size_limit', () => {
  it('appends up to the limit, refuses a write past it and leaves the file as it was', async () => {
    const path = join(dir, 'box');
    await appendMbox(path, Buffer.from('12345'), undefined, 10);
    await appendMbox(path, Buffer.from('67890'), undefined, 10);
    await expect(appendMbox(path, Buffer.from('x'), undefined, 10)).rejects.toBeInstanceOf(FileTooLarge);
    expect(readFileSync(path, 'latin1')).toBe('1234567890');
    await appendMbox(path, Buffer.from('x'));
    expect(mboxDsn('EFBIG', '5.2.0')).toBe('5.2.2');
  });
});
