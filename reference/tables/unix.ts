/**
 * unix:passwd.byname — the system's password file as a table (postconf(5) "unix"): the key is
 * a login name, the value its passwd entry "name:passwd:uid:gid:gecos:home:shell", as
 * getpwnam(3) gives it. Read fresh on every lookup, so new users are seen without a restart.
 * local_recipient_maps names it (through proxy:) by default. unix:group.byname is not
 * implemented.
 */
import { readFileSync } from 'node:fs';
import { foldKey } from './fold.ts';
import { TableError, type Table } from './types.ts';

/** The passwd line of a login name, or undefined (no such user, or no readable file). */
export function passwdLine(name: string, passwdFile = '/etc/passwd'): string | undefined {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch {
    return undefined; // no readable password file: getpwnam(3) finds nobody either
  }
  return text.split('\n').find((line) => line.split(':').length >= 7 && line.split(':')[0] === name);
}

export function openUnix(name: string, fold: boolean): Table {
  if (name !== 'passwd.byname') throw new TableError(`unix:${name}: unknown table (the reference has unix:passwd.byname)`, 'unsupported');
  return {
    type: 'unix',
    name,
    warnings: [],
    lookup: async (key) => passwdLine(foldKey(key, fold)) ?? null,
    close: async () => {},
  };
}
