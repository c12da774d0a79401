/**
 * The fuzzer's test for a crash of real Postfix's smtpd (smtpd-pair.ts daemonCrash): master(8)'s
 * line as Postfix 3.7.11 logged it in a campaign, and lines that look alike but are not crashes.
 */
import { describe, expect, it } from 'vitest';
import { clientQueueIdNames, daemonCrash } from './smtpd-pair.ts';

const CRASH = 'Dec 07 21:20:55 mx postfix/master[23787]: warning: process /usr/lib/postfix/sbin/smtpd pid 26550 killed by signal 11';

describe('daemonCrash', () => {
  it('finds master(8)\'s crash warning among the session\'s lines', () => {
    const log = ['Dec 07 21:20:55 mx postfix/smtpd[26550]: warning: B260020E117: null BDAT request from localhost[127.0.0.1]', CRASH, ''].join('\n');
    expect(daemonCrash(log)).toBe(CRASH.slice(CRASH.indexOf('postfix/master')));
  });

  it('ignores a normal exit, another program\'s words and a session without master lines', () => {
    expect(daemonCrash('Dec 07 21:20:55 mx postfix/master[1]: warning: process /usr/lib/postfix/sbin/smtpd pid 2 exit status 1\n')).toBeUndefined();
    expect(daemonCrash('Dec 07 21:20:55 mx postfix/smtpd[2]: warning: non-SMTP command from x: process /a pid 3 killed by signal 9\n')).toBeUndefined();
    expect(daemonCrash('')).toBeUndefined();
  });
});

describe('clientQueueIdNames', () => {
  it('names the client\'s queue files first, in the order smtpd opened them', () => {
    const log = [
      'Dec  8 00:58:01 mx postfix/smtpd[10]: 4AB1: client=localhost[127.0.0.1]',
      'Dec  8 00:58:01 mx postfix/bounce[11]: 4AB1: sender delivery status notification: 5CD2',
      'Dec  8 00:58:01 mx postfix/smtpd[10]: 6EF3: client=localhost[127.0.0.1]',
      'Dec  8 00:58:02 mx postfix/smtpd[10]: 4AB1: client=localhost[127.0.0.1]',
    ].join('\n');
    expect(clientQueueIdNames(log)).toEqual({ '4AB1': 'Q1', '6EF3': 'Q2' });
  });
});
