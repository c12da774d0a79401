/**
 * The comparator against recorded observations: each fixture is one scenario run twice on real
 * Postfix (harness/compare/fixtures/record.ts). The two runs differ in everything Postfix
 * varies by itself (queue IDs, times, pids, ports, temporary directories) and must compare
 * equal; every kind of difference a user could see, planted into the second run, must be
 * reported under its item with a unified diff that shows the changed line.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareObservations, compareWithOracle, targetLabels, type ComparedOutcome, type TargetDifference } from './diff.ts';
import { observationFromJson, observationToJson, readRecordedPair } from './fixtures/observation-json.ts';
import { SERVER_CLOSED, type Observation } from '../scenario/run.ts';
import type { KnownDivergence } from '../scenario/types.ts';

const fixture = (name: string) => readRecordedPair(join(import.meta.dirname, 'fixtures', `${name}.pair.json`));
const [alias1, alias2] = fixture('alias-reinjection');
const [command1, command2] = fixture('command-exit-status');

/** A copy of `o` changed by `change`. */
function plant(o: Observation, change: (c: Observation) => void): Observation {
  const copy = observationFromJson(observationToJson(o));
  change(copy);
  return copy;
}

/** Change the bytes of every message the peers received. */
/** Edit every message a peer received; its SIZE= follows the length, as the sender's would. */
function everyMessage(o: Observation, edit: (text: string) => string): void {
  for (const conns of Object.values(o.sinks)) {
    for (const t of conns.flatMap((c) => c.transactions)) {
      if (!t.data) continue;
      const before = t.data.length;
      t.data = Buffer.from(edit(t.data.toString('latin1')), 'latin1');
      t.mailParams = t.mailParams.map((p) => p.replace(/^SIZE=(\d+)$/i, (_, n: string) => `SIZE=${Number(n) + t.data!.length - before}`));
    }
  }
}

function compare(a: Observation, b: Observation): TargetDifference[] {
  return compareObservations(a, b, ['postfix', 'postfix#2']);
}

/** The one reported difference, which must be about `item`. */
function only(diffs: TargetDifference[], item: string): string {
  expect(diffs.map((d) => d.item)).toEqual([item]);
  return diffs[0]!.diff;
}

/** The diff reported when the relayed message's bytes of the second run are edited. */
function messageDiff(edit: (text: string) => string): string {
  return only(compare(alias1, plant(alias2, (o) => everyMessage(o, edit))), 'sink remote message Q2');
}

describe('two runs of real Postfix', () => {
  it('differ in queue IDs, times, ports and directories, yet compare equal', () => {
    expect(Object.keys(alias1.queueIds)).not.toEqual(Object.keys(alias2.queueIds));
    expect(alias1.root).not.toBe(alias2.root);
    expect(alias1.maillog).not.toBe(alias2.maillog);
    expect(compare(alias1, alias2)).toEqual([]);
    expect(compare(command1, command2)).toEqual([]);
  });
});

describe('a planted difference is reported with its item and the changed line', () => {
  it('an SMTP reply', () => {
    const b = plant(alias2, (o) => {
      for (const l of o.transcripts[0]!.lines) if (l.text === '250 2.1.5 Ok') l.text = '250 2.1.5 OK';
    });
    const d = only(compare(alias1, b), 'smtp smtp session 1');
    expect(d).toContain('\n-S: 250 2.1.5 Ok\n+S: 250 2.1.5 OK\n');
  });

  it('the line breaks of a multi-line reply', () => {
    const b = plant(alias2, (o) => {
      for (const l of o.transcripts[0]!.lines) l.text = l.text.replace('\r\n250-VRFY', '\n250-VRFY');
    });
    const d = only(compare(alias1, b), 'smtp smtp session 1');
    expect(d).toContain('\n+   250-SIZE 10240000\\n250-VRFY\n');
  });

  it('the moment the server closed the connection', () => {
    const b = plant(alias2, (o) => {
      const lines = o.transcripts[0]!.lines;
      const closed = lines.findIndex((l) => l.text === SERVER_CLOSED);
      lines.splice(closed - 2, 0, lines.splice(closed, 1)[0]!);
    });
    const d = only(compare(alias1, b), 'smtp smtp session 1');
    expect(d).toContain(`+S: ${SERVER_CLOSED}\n C: QUIT\n S: 221 2.0.0 Bye\n-S: ${SERVER_CLOSED}`);
  });

  it('an ESMTP parameter of the envelope a peer received', () => {
    const b = plant(alias2, (o) => (o.sinks.remote![0]!.transactions[0]!.mailParams = ['SIZE=508', 'BODY=8BITMIME']));
    const d = only(compare(alias1, b), 'sink remote message Q2');
    const size = /SIZE=<bytes received [-+] \d+>/.exec(d)?.[0];
    expect(size).toBeDefined();
    expect(d).toContain(`\n-MAIL FROM:<alice@client.example> ${size}\n+MAIL FROM:<alice@client.example> ${size} BODY=8BITMIME\n`);
  });

  it('a SIZE= that differs from the message length as Postfix does (not the absolute figure)', () => {
    const t = (o: Observation) => o.sinks.remote![0]!.transactions[0]!;
    const length = t(alias2).data!.length;
    const declared = Number(/^SIZE=(\d+)$/.exec(t(alias2).mailParams[0]!)![1]);
    // A longer queue ID in a Received: header: two more bytes of message, two more of SIZE.
    const longer = plant(alias2, (o) => {
      const data = Buffer.concat([Buffer.from('X-Pad: ab\r\n'), t(o).data!]);
      t(o).data = data;
      t(o).mailParams = [`SIZE=${declared + (data.length - length)}`];
    });
    expect(compare(alias1, longer).filter((x) => x.item === 'sink remote message Q2').map((x) => x.diff).join('')).not.toContain('SIZE');
    const offByOne = plant(alias2, (o) => (t(o).mailParams = [`SIZE=${declared + 1}`]));
    expect(only(compare(alias1, offByOne), 'sink remote message Q2')).toMatch(/\n-MAIL FROM:<alice@client\.example> SIZE=<bytes received [-+] \d+>\n\+MAIL FROM:<alice@client\.example> SIZE=<bytes received [-+] \d+>\n/);
  });

  it('a header value', () => {
    const d = messageDiff((t) => t.replace('Subject: to the team', 'Subject: to the Team'));
    expect(d).toContain('\n-Subject: to the team\n+Subject: to the Team\n');
  });

  it('the folding of a header', () => {
    const d = messageDiff((t) => t.replace('(Postfix)\r\n\tid ', '(Postfix) id '));
    expect(d).toContain('\n-Received: by mx.twinpost.test (Postfix)\n-\tid Q2; <Ddd,  n Mmm nnnn nn:nn:nn> +0000 (UTC)\n+Received: by mx.twinpost.test (Postfix) id Q2; ');
  });

  it('a changed word in every relayed message, and a body line added', () => {
    const d = messageDiff((t) => t.split('(Postfix)').join('(Mutant)').replace('Hi all.\r\n', 'Hi all.\r\nP.S.\r\n'));
    expect(d).toContain('\n-Received: by mx.twinpost.test (Postfix)\n+Received: by mx.twinpost.test (Mutant)\n');
    expect(d).toContain('\n-\tby mx.twinpost.test (Postfix) with ESMTP id Q1\n+\tby mx.twinpost.test (Mutant) with ESMTP id Q1\n');
    expect(d).toContain('\n Hi all.\n+P.S.');
  });

  it('the line ends of the body', () => {
    const d = messageDiff((t) => t.replace('Hi all.\r\n', 'Hi all.\n'));
    expect(d).toContain('\n-Hi all.\n+Hi all.\\n\n+(no line end after the line above)');
  });

  it('the time zone of a date, but not the time itself', () => {
    expect(messageDiff((t) => t.replace(/^(Date: .*) \+0000 \(UTC\)/m, '$1 +0100 (GMT+1)'))).toContain('\n+Date: <Ddd,  n Mmm nnnn nn:nn:nn> +0100 (GMT+1)\n');
    const later = plant(alias2, (o) => everyMessage(o, (t) => t.replace(/^(Date: \w{3}, [ \d]\d \w{3} \d{4}) \d\d:\d\d:\d\d/m, '$1 23:59:58')));
    expect(compare(alias1, later)).toEqual([]);
  });

  it('a mailbox\'s content and its mode', () => {
    const b = plant(alias2, (o) => {
      const box = o.spool.find((f) => f.path === 'nobody')!;
      box.content = box.content.replace('X-Original-To: team@mx.twinpost.test', 'X-Original-To: team');
      box.mode = 0o644;
    });
    const d = only(compare(alias1, b), 'file nobody');
    expect(d).toContain('\n-mode 0600, uid 65534, gid 65534\n+mode 0644, uid 65534, gid 65534\n');
    expect(d).toContain('\n-X-Original-To: team@mx.twinpost.test\n+X-Original-To: team\n');
  });

  it('a file local(8) did not write', () => {
    const b = plant(alias2, (o) => (o.spool = o.spool.filter((f) => f.path !== 'nobody')));
    const d = only(compare(alias1, b), 'file nobody');
    expect(d).toMatch(/^--- postfix\n\+\+\+ postfix#2 \(no such item\)\n@@ -1,\d+ \+0,0 @@\n-mode 0600/);
  });

  it('a maillog line\'s text', () => {
    const b = plant(alias2, (o) => (o.maillog = o.maillog.replace('(delivered to mailbox)', '(delivered to maildir)')));
    const d = only(compare(alias1, b), 'maillog Q1');
    expect(d).toContain('status=sent (delivered to mailbox)\n+');
    expect(d).toContain('status=sent (delivered to maildir)');
  });

  it('a maillog line that is missing', () => {
    const b = plant(alias2, (o) => (o.maillog = o.maillog.split('\n').filter((l) => !l.includes('disconnect from')).join('\n')));
    const d = only(compare(alias1, b), 'maillog postfix/smtpd');
    expect(d).toContain('\n-<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: disconnect from localhost[127.0.0.1] ehlo=1 mail=1 rcpt=1 data=1 quit=1 commands=5');
  });

  it('the order of a queue ID\'s lines where Postfix keeps it, not where it does not', () => {
    const lines = alias2.maillog.split('\n');
    const client = lines.findIndex((l) => / postfix\/smtpd\[\d+\]: \w+: client=/.test(l));
    const messageId = lines.findIndex((l, i) => i > client && / postfix\/cleanup\[\d+\]: \w+: message-id=/.test(l));
    const swapped = [...lines];
    [swapped[client], swapped[messageId]] = [lines[messageId]!, lines[client]!];
    const b = plant(alias2, (o) => (o.maillog = swapped.join('\n')));
    expect(only(compare(alias1, b), 'maillog Q1')).toContain(
      '@@ -1,5 +1,5 @@\n-<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: Q1: client=localhost[127.0.0.1]\n <Mmm nn nn:nn:nn> mx postfix/cleanup[<pid>]: Q1: message-id=<<nnnnnnnnnnnnnn>.Q1@mx.twinpost.test>\n+<Mmm nn nn:nn:nn> mx postfix/smtpd[<pid>]: Q1: client=localhost[127.0.0.1]\n',
    );

    const removed = lines.findIndex((l) => / postfix\/qmgr\[\d+\]: \w+: removed$/.test(l));
    const late = [...lines];
    const [status] = late.splice(lines.findIndex((l) => l.includes('(delivered to mailbox)')), 1);
    late.splice(removed, 0, status!);
    expect(compare(alias1, plant(alias2, (o) => (o.maillog = late.join('\n'))))).toEqual([]);
  });

  it('a record of a queue file left behind', () => {
    const b = plant(command2, (o) => {
      const f = o.queueFiles.find((q) => q.path.startsWith('deferred/'))!;
      f.text = f.text.replace('named_attribute: rewrite_context=local\n', '');
    });
    const d = only(compare(command1, b), 'queue file deferred/Q1');
    expect(d).toContain('\n-named_attribute: rewrite_context=local\n');
  });

  it('a per-recipient log line of the defer queue', () => {
    const b = plant(command2, (o) => {
      const f = o.queueFiles.find((q) => q.path.startsWith('defer/'))!;
      f.text = f.text.replace('diag_type=x-unix\n', '');
    });
    expect(only(compare(command1, b), 'queue file defer/Q1')).toContain('\n-diag_type=x-unix\n');
  });

  it('a queue file only one run left', () => {
    const b = plant(command2, (o) => o.queueFiles.push({ path: 'hold/ABCDEF12345', text: '*** ENVELOPE RECORDS hold/ABCDEF12345 ***\nsender: x@y\n' }));
    const d = only(compare(command1, b), 'queue file hold/Q2');
    expect(d).toBe('--- postfix (no such item)\n+++ postfix#2\n@@ -0,0 +1,2 @@\n+*** ENVELOPE RECORDS hold/Q2 ***\n+sender: x@y');
  });

  it('the queue listing', () => {
    const b = plant(command2, (o) => (o.queue[0]!.recipients[0]!.delay_reason = 'temporary failure, try again'));
    expect(only(compare(command1, b), 'queue listing')).toContain('"delay_reason":"temporary failure, try again"');
  });
});

describe('compareWithOracle', () => {
  const mutant = plant(alias2, (o) => everyMessage(o, (t) => t.split('(Postfix)').join('(Mutant)')));
  const outcome = (target: string, observation: Observation, knownDivergences: KnownDivergence[] = [], label?: string): ComparedOutcome =>
    ({ target, ...(label ? { label } : {}), status: 'passed', failures: [], observation, scenario: { knownDivergences } });

  it('fails the other run, one failure per differing item', () => {
    const other = outcome('reference', mutant);
    const diffs = compareWithOracle([outcome('postfix', alias1), other]);
    expect(other.status).toBe('failed');
    expect(other.failures.map((f) => f.expectation)).toEqual(['reference behaves as real Postfix: sink remote message Q2']);
    expect(other.failures[0]!.diff).toContain('+Received: by mx.twinpost.test (Mutant)');
    expect(Object.keys(diffs)).toEqual(['reference']);
  });

  it('lets a known divergence explain the lines it covers, and only those', () => {
    const divergence: KnownDivergence = { target: 'reference', item: 'sink remote message *', what: /\((?:Postfix|Mutant)\)/, reason: 'test' };
    const explained = outcome('reference', mutant, [divergence]);
    compareWithOracle([outcome('postfix', alias1), explained]);
    expect(explained.status).toBe('passed');
    expect(explained.failures).toEqual([]);
    const onlyPostfix = outcome('reference', mutant, [{ ...divergence, what: '(Mutant)' }]);
    compareWithOracle([outcome('postfix', alias1), onlyPostfix]);
    expect(onlyPostfix.status).toBe('failed');

    const more = plant(mutant, (o) => everyMessage(o, (t) => t.replace('Hi all.', 'Hi everyone.')));
    const partly = outcome('reference', more, [divergence]);
    compareWithOracle([outcome('postfix', alias1), partly]);
    expect(partly.status).toBe('failed');
  });

  it('compares a second run of postfix with the first under its label, with no known divergence', () => {
    const second = outcome('postfix', mutant, [{ target: 'postfix', item: 'sink remote message Q2', reason: 'never applies to postfix' }], 'postfix#2');
    const diffs = compareWithOracle([outcome('postfix', alias1), second]);
    expect(second.failures.map((f) => f.expectation)).toEqual(['postfix#2 behaves as real Postfix: sink remote message Q2']);
    expect(Object.keys(diffs)).toEqual(['postfix#2']);
  });

  it('does not compare a run that ended in an error', () => {
    const broken = { ...outcome('reference', mutant), status: 'error' };
    compareWithOracle([outcome('postfix', alias1), broken]);
    expect(broken.failures).toEqual([]);
  });
});

describe('targetLabels', () => {
  it('numbers the second and later runs of the same target', () => {
    expect(targetLabels(['postfix', 'postfix', 'reference', 'postfix'])).toEqual(['postfix', 'postfix#2', 'reference', 'postfix#3']);
  });
});
