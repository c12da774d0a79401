import { describe, expect, it } from 'vitest';
import { smtputf8Autodetect } from './smtputf8.ts';

describe('smtputf8Autodetect (smtputf8_autodetect_classes)', () => {
  it('is on for the classes of the default list only', () => {
    const defaults = 'sendmail, verify';
    expect(smtputf8Autodetect(defaults, 'sendmail')).toBe(true);
    expect(smtputf8Autodetect(defaults, 'verify')).toBe(true);
    expect(smtputf8Autodetect(defaults, 'smtpd')).toBe(false);
    expect(smtputf8Autodetect(defaults, 'bounce')).toBe(false);
  });

  it('takes "all" for every class, in any case, and an empty list for none', () => {
    expect(smtputf8Autodetect('ALL', 'forward')).toBe(true);
    expect(smtputf8Autodetect('bounce,Smtpd', 'smtpd')).toBe(true);
    expect(smtputf8Autodetect('', 'sendmail')).toBe(false);
  });
});
