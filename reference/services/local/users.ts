/**
 * Local users for local(8) and smtpd's local recipient check: /etc/passwd entries by name
 * (getpwnam), read fresh on each lookup so new users are seen without a restart.
 */
import { readFileSync } from 'node:fs';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export function lookupUser(name: string, passwdFile = '/etc/passwd'): PasswdEntry | undefined {
  let text: string;
  try {
    text = readFileSync(passwdFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f.length >= 7 && f[0] === name) return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] };
  }
  return undefined;
}
