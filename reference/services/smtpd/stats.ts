/**
 * smtpd(8) command statistics for the "disconnect from name[addr] ehlo=1 mail=1 … commands=N"
 * line (smtpd_format_cmd_stats() in smtpd.c): per command, how many were given and how many
 * succeeded ("rcpt=1/2" when not all did), in the order of Postfix's command table, then
 * unknown commands, then the total. Kept per session by session.ts.
 */

/** Postfix's command table order: it is also the order of the counts in "disconnect from". */
export const COMMANDS = ['HELO', 'EHLO', 'XCLIENT', 'XFORWARD', 'STARTTLS', 'AUTH', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'VRFY', 'ETRN', 'QUIT'] as const;

export type Verb = (typeof COMMANDS)[number];

export const isVerb = (name: string): name is Verb => (COMMANDS as readonly string[]).includes(name);

export class CommandStats {
  private readonly counts = new Map<string, { ok: number; total: number }>();

  /** One more `name` command (a verb or "UNKNOWN"); ok when it succeeded. */
  count(name: Verb | 'UNKNOWN', ok: boolean): void {
    const c = this.counts.get(name) ?? { ok: 0, total: 0 };
    c.total++;
    if (ok) c.ok++;
    this.counts.set(name, c);
  }

  /** " ehlo=1 mail=1 rcpt=0/1 commands=2/3": what "disconnect from" appends. */
  format(): string {
    let text = '';
    let ok = 0;
    let total = 0;
    for (const name of [...COMMANDS, 'UNKNOWN']) {
      const c = this.counts.get(name);
      if (!c || c.total === 0) continue;
      text += ` ${name.toLowerCase()}=${c.ok === c.total ? c.total : `${c.ok}/${c.total}`}`;
      ok += c.ok;
      total += c.total;
    }
    // smtpd_format_cmd_stats(): "/total" also when no command came at all ("commands=0/0")
    return `${text} commands=${ok === total && total > 0 ? total : `${ok}/${total}`}`;
  }
}
