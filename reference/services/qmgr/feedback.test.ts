/** Concurrency feedback: parsing of the three forms, slow start, cohort counting, revival. */
import { describe, expect, it } from 'vitest';
import { feedbackAt, initialWindow, negativeFeedback, parseFeedback, parseFeedbackOrWarn, positiveFeedback, revive, type WindowLimits } from './feedback.ts';

const limits = (over: Partial<WindowLimits> = {}): WindowLimits => ({
  initial: 5, limit: 20, positive: { base: 1, perWindow: false }, negative: { base: 1, perWindow: false }, cohortLimit: 1, ...over,
});

describe('parseFeedback', () => {
  it('a number, a fraction, and N/concurrency', () => {
    expect(parseFeedback('1')).toEqual({ base: 1, perWindow: false });
    expect(parseFeedback('1/8')).toEqual({ base: 0.125, perWindow: false });
    expect(parseFeedback(' 1 / 4 ')).toEqual({ base: 0.25, perWindow: false });
    expect(parseFeedback('1/concurrency')).toEqual({ base: 1, perWindow: true });
    expect(parseFeedback('0.5')).toEqual({ base: 0.5, perWindow: false });
  });
  it('refuses what is malformed or outside 0..1', () => {
    for (const bad of ['2', '1/', 'x', '1/sqrt', '-1/2', '3/2', '1/0']) expect(parseFeedback(bad), bad).toBeUndefined();
  });
  it('falls back to 1 with a warning naming the parameter', () => {
    const warnings: string[] = [];
    expect(parseFeedbackOrWarn('smtp_destination_concurrency_positive_feedback', '7', (t) => warnings.push(t))).toEqual({ base: 1, perWindow: false });
    expect(warnings).toEqual(['smtp_destination_concurrency_positive_feedback: ignoring malformed or unreasonable feedback: 7']);
  });
  it('N/concurrency divides by the window', () => {
    expect(feedbackAt({ base: 1, perWindow: true }, 4)).toBe(0.25);
    expect(feedbackAt({ base: 0.5, perWindow: false }, 4)).toBe(0.5);
  });
});

describe('window', () => {
  it('slow start: +1 per success while below busy + initial, never past the limit', () => {
    const l = limits({ initial: 2, limit: 4 });
    const s = initialWindow(l);
    positiveFeedback(s, l, 2);
    expect(s.window).toBe(3);
    positiveFeedback(s, l, 1); // 3 >= 1 + 2: no growth
    expect(s.window).toBe(3);
    positiveFeedback(s, l, 3);
    positiveFeedback(s, l, 4);
    expect(s.window).toBe(4);
  });
  it('1/concurrency: one step per window of successes', () => {
    const l = limits({ initial: 2, positive: { base: 1, perWindow: true } });
    const s = initialWindow(l);
    positiveFeedback(s, l, 2);
    expect(s.window).toBe(2);
    positiveFeedback(s, l, 2);
    expect(s.window).toBe(3);
  });
  it('default feedback: a window of 5 dies at the third failure (cohorts 1/5 + 1/3 + 1/2)', () => {
    const l = limits();
    const s = initialWindow(l);
    expect(negativeFeedback(s, l)).toBe(false);
    expect(s.window).toBe(3);
    expect(negativeFeedback(s, l)).toBe(false);
    expect(s.window).toBe(2);
    expect(negativeFeedback(s, l)).toBe(true);
    expect(s.window).toBe(0);
  });
  it('a cohort limit of 0 never kills; the window stays at least 1', () => {
    const l = limits({ initial: 1, cohortLimit: 0 });
    const s = initialWindow(l);
    for (let i = 0; i < 5; i++) expect(negativeFeedback(s, l)).toBe(false);
    expect(s.window).toBe(1);
  });
  it('a success restarts the cohort count', () => {
    const l = limits({ initial: 2, cohortLimit: 1 });
    const s = initialWindow(l);
    negativeFeedback(s, l);
    positiveFeedback(s, l, 1);
    expect(s.failCohorts).toBe(0);
  });
  it('revival: the deliveries in progress, or the initial concurrency', () => {
    const l = limits({ initial: 4 });
    const s = { window: 0, success: 0.5, failure: 0.5, failCohorts: 1 };
    revive(s, l, 2);
    expect(s).toEqual({ window: 2, success: 0, failure: 0, failCohorts: 0 });
    revive(s, l, 0);
    expect(s.window).toBe(4);
  });
});
