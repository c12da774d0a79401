/**
 * The orders Postfix itself does not keep from run to run, put into one canonical order before
 * two runs are compared. Each rule below was found by comparing real Postfix with itself
 * (`twinpost run --target postfix,postfix`, every scenario, run after run) and is as narrow as
 * the variation seen: anything not listed here keeps the order it had. Called by items.ts.
 */

export function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A normalised maillog line's program ("postfix/smtpd") and queue ID name (Q1…). */
export const LOG_LINE = /^<[^>]*> \S+ ([^\s[]+)\[<pid>\]: (?:(Q\d+): )?/;

/**
 * One queue ID's maillog lines in a stable order. Postfix's daemons log through postlogd each
 * on their own, so lines of different processes are not in causal order. Postfix against
 * itself showed:
 *  - stable: the lines before qmgr's first "(queue active)" (smtpd's client=, pickup's uid=,
 *    cleanup's message-id=), and each "(queue active)" line before the deliveries it started;
 *  - not stable: the order of the delivery agents' lines of one message (local(8) delivers
 *    several recipients in parallel processes; sendmail -bv asks smtp, local and error at
 *    once), bounce's notification line among them, and qmgr's "removed" before or after the
 *    last of them.
 * So the lines up to the first "(queue active)" keep their log order, then come the delivery
 * rounds — each "(queue active)" line followed by the other lines logged until the next one,
 * in text order — and "removed" last.
 */
export function queueIdOrder(lines: string[]): string[] {
  const head: string[] = [];
  const rounds: string[][] = [];
  const tail: string[] = [];
  for (const l of lines) {
    const qmgr = (LOG_LINE.exec(l)?.[1] ?? '').endsWith('/qmgr');
    if (qmgr && /: Q\d+: removed$/.test(l)) tail.push(l);
    else if (qmgr && / \(queue active\)$/.test(l)) rounds.push([l]);
    else if (rounds.length) rounds[rounds.length - 1]!.push(l);
    else head.push(l);
  }
  return [...head, ...rounds.flatMap(([first, ...rest]) => [first!, ...rest.sort(byText)]), ...tail];
}

/** One maillog line without a queue ID, normalised, with the process (raw program[pid]) that logged it. */
export interface ProcessLine {
  text: string;
  process: string;
}

/**
 * One program's lines without a queue ID in a stable order. Each process logs its own lines in
 * order, but the lines of different processes interleave as they reach postlogd: Postfix
 * against itself showed a new smtpd session's "connect from" before the previous session's
 * "disconnect" (anvil scenarios, sessions one after the other). So the lines are cut into
 * episodes — one process's lines, an smtpd (or postscreen) process's cut again at each
 * "connect from", one episode per client session — and the episodes follow each other in the
 * order of their first lines, each keeping its own order. A session's "connect from" is logged
 * before its greeting, so sessions a client made one after the other keep that order.
 */
export function episodeOrder(lines: ProcessLine[]): string[] {
  const episodes: string[][] = [];
  const current = new Map<string, string[]>();
  for (const l of lines) {
    let episode = current.get(l.process);
    if (!episode || /\]: connect from /.test(l.text)) {
      episode = [];
      episodes.push(episode);
      current.set(l.process, episode);
    }
    episode.push(l.text);
  }
  return episodes.flat();
}

/** Delivery agents: qmgr runs several processes of each at once. */
const DELIVERY_AGENT = /\/(?:local|virtual|pipe|smtp|lmtp|error|discard|retry)$/;

/**
 * A program's lines without a queue ID in a stable order: episodeOrder(), except for delivery
 * agents. Their processes run in parallel (one local(8) per recipient by default), so the
 * warnings two of them log without a queue ID ("alias database loop for …", "required alias
 * not found: …" in local/alias-loops) come in either order from run to run: those lines are
 * compared in text order.
 */
export function programOrder(program: string, lines: ProcessLine[]): string[] {
  return DELIVERY_AGENT.test(program) ? lines.map((l) => l.text).sort(byText) : episodeOrder(lines);
}

/** smtp(8)'s "conn_use=N, " of a delivery over a cached connection. */
const CONN_USE = /\bconn_use=(\d+), /;

/**
 * Which delivery gets the 2nd, 3rd … use of a cached connection depends on which smtp(8)
 * process is free first, so the same message logs conn_use=3 in one run, conn_use=2 or none in
 * the next. The field is taken out of the line; the values of all lines are compared as one
 * sorted list (how often connections were reused), and the connections themselves in the
 * peers' items.
 */
export function splitConnUse(lines: string[]): { lines: string[]; uses: string[] } {
  const uses: string[] = [];
  const out = lines.map((l) =>
    l.replace(CONN_USE, (_m, n: string) => {
      uses.push(`conn_use=${n}`);
      return '';
    }),
  );
  return { lines: out, uses: uses.sort(byText) };
}

/**
 * Lines Postfix logs or not depending on the machine, not on what it was asked to do: cleanup
 * compares the queue file's time stamp with the clock and warns when the file system's clock
 * runs a second ahead (seen in 1 of 3 runs of the same scenario).
 */
const CLOCK_NOISE = [/: warning: file system clock is \d+ seconds? ahead of local clock$/, /: warning: resetting file time stamps - this hurts performance$/];

export function isClockNoise(line: string): boolean {
  return CLOCK_NOISE.some((re) => re.test(line));
}

/** Blocks of a delivery status notification whose order follows the order delivery agents finished in. */
const RECIPIENT_BLOCK = [/^<[^<>]*>(?: \(expanded from <[^<>]*>\))?:/, /^Final-Recipient:/i];

/**
 * A bounce/delay/success notification lists one paragraph per recipient in its text part and
 * one field block per recipient in its message/delivery-status part, in the order the
 * delivery agents reported, which varies from run to run when several agents deliver one
 * message in parallel (sendmail -bv). Runs of such blocks (separated by empty lines) are put in
 * text order; everything else keeps its place.
 */
export function canonicalDsn(lines: string[]): string[] {
  const blocks: string[][] = [[]];
  for (const l of lines) {
    if (l === '') blocks.push([]);
    else blocks[blocks.length - 1]!.push(l);
  }
  const kind = (b: string[]) => RECIPIENT_BLOCK.findIndex((re) => re.test(b[0] ?? ''));
  for (let i = 0; i < blocks.length; ) {
    const k = kind(blocks[i]!);
    let j = i + 1;
    while (k >= 0 && j < blocks.length && kind(blocks[j]!) === k) j++;
    if (j - i > 1) blocks.splice(i, j - i, ...blocks.slice(i, j).sort((a, b) => byText(a.join('\n'), b.join('\n'))));
    i = j;
  }
  return blocks.flatMap((b, i) => (i === 0 ? b : ['', ...b]));
}

/**
 * The transactions one message made at one peer, in text order. With a recipient limit below
 * the message's recipients qmgr(8) hands the batches to parallel smtp(8) processes, so which
 * batch the peer sees first varies (Postfix against itself, qmgr-scheduling/recipient-limit-2:
 * user1+user2 first in one run, user3+user4 in another); the set of batches does not.
 */
export function transactionOrder(transactions: string[][]): string[][] {
  return [...transactions].sort((a, b) => byText(a.join('\n'), b.join('\n')));
}

/**
 * Connections to one peer in text order of what was seen on them. When Postfix delivers in
 * parallel (a backlog, two verify probes), which connection opens first and which one stays
 * cached to the end varies; the connections' shapes, as a set, do not.
 */
export function connectionOrder(connections: string[][]): string[][] {
  return [...connections].sort((a, b) => byText(a.join('\n'), b.join('\n')));
}

/**
 * An mbox file's messages in text order. local(8) delivers the messages of one mailbox in
 * parallel processes (one per message, local_destination_concurrency_limit = 2), each taking
 * the mailbox lock in turn, so two messages queued a moment apart land in either order: Postfix
 * against itself showed it for two messages of one SMTP session (smtpd-security/bdat-errors and
 * long-lines, under the load of the whole suite). Each message starts at a "From " line
 * (local(8) writes a body line that starts so as ">From "); the bytes of each are compared.
 * A file that is not an mbox is left as it is.
 */
export function mboxMessageOrder(content: string): string {
  if (!content.startsWith('From ')) return content;
  const messages = content.split(/(?<=\n)(?=From )/);
  return messages.sort(byText).join('');
}
