/**
 * Local users for local(8): /etc/passwd entries by name (getpwnam), read fresh on each lookup
 * so new users are seen without a restart. The file is read by reference/tables' unix: table,
 * which smtpd's local recipient check consults as unix:passwd.byname.
 */
import { passwdLine } from '../../tables/unix.ts';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export function lookupUser(name: string, passwdFile = '/etc/passwd'): PasswdEntry | undefined {
  const line = passwdLine(name, passwdFile);
  if (line === undefined) return undefined;
  const f = line.split(':');
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), home: f[5], shell: f[6] };
}
