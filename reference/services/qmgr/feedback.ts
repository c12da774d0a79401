/**
 * qmgr(8) destination concurrency feedback (qmgr_feedback.c, qmgr_queue.c in Postfix 3.7;
 * SCHEDULER_README "Destination concurrency scheduling"): how a destination queue's concurrency
 * window grows after a delivery that reached the site (positive feedback) and shrinks after one
 * that could not (negative feedback), and when a run of failures makes the destination dead
 * (<transport>_destination_concurrency_failed_cohort_limit). The window starts at
 * <transport>_initial_destination_concurrency and grows only while it is less than the
 * deliveries in progress plus that initial concurrency, never past
 * <transport>_destination_concurrency_limit (0: no limit).
 *
 * The feedback settings (<transport>_destination_concurrency_positive_feedback and
 * _negative_feedback, with the default_* parameters behind them) are a number between 0 and 1,
 * a fraction "N/D", or "N/concurrency" (N divided by the window at the time); anything else is
 * replaced by 1 with a warning. Both cycles have a hysteresis of 1: the window moves by one
 * step when the accumulated feedback reaches it (give or take half the last feedback).
 * Used by destinations.ts; pure functions, no clock, no I/O.
 */

/** The denominator word that makes a feedback depend on the window (CONC_FDBACK_NAME_WIN). */
export const FEEDBACK_PER_CONCURRENCY = 'concurrency';

/** The step the window moves by at the end of a feedback cycle (qmgr's hysteresis, always 1). */
export const HYSTERESIS = 1;

/** One direction of feedback, parsed from main.cf. */
export interface Feedback {
  /** The number before the slash (or the whole value). */
  base: number;
  /** Divide by the window at the time ("N/concurrency"). */
  perWindow: boolean;
}

/** The feedback used when the setting is malformed or outside 0..1. */
const FALLBACK: Feedback = { base: 1, perWindow: false };

/**
 * Parse a feedback setting; undefined when it is malformed or unreasonable (the caller warns
 * and uses 1, see parseFeedbackOrWarn).
 */
export function parseFeedback(value: string): Feedback | undefined {
  const m = /^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(?:\/\s*(\S+)\s*)?$/.exec(value);
  if (!m) return undefined;
  const num = Number(m[1]);
  const denom = m[2];
  let fb: Feedback | undefined;
  if (denom === undefined) fb = { base: num, perWindow: false };
  else if (denom === FEEDBACK_PER_CONCURRENCY) fb = { base: num, perWindow: true };
  else if (/^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/.test(denom) && num >= 0 && Number(denom) >= 1 / 2 ** 31) fb = { base: num / Number(denom), perWindow: false };
  return fb && fb.base >= 0 && fb.base <= 1 ? fb : undefined;
}

/** parseFeedback, or 1 after a warning naming the parameter (qmgr_feedback_init()). */
export function parseFeedbackOrWarn(name: string, value: string, warn: (text: string) => void): Feedback {
  const fb = parseFeedback(value);
  if (fb) return fb;
  warn(`${name}: ignoring malformed or unreasonable feedback: ${value}`);
  return FALLBACK;
}

/** The feedback amount at a window of `window` deliveries. */
export const feedbackAt = (fb: Feedback, window: number): number => (fb.perWindow ? fb.base / window : fb.base);

/** The per-transport settings the window follows. */
export interface WindowLimits {
  /** <transport>_initial_destination_concurrency, never above a non-zero limit. */
  initial: number;
  /** <transport>_destination_concurrency_limit; 0: no limit. */
  limit: number;
  positive: Feedback;
  negative: Feedback;
  /** <transport>_destination_concurrency_failed_cohort_limit; 0: never dead. */
  cohortLimit: number;
}

/** A destination's concurrency state: the window and the feedback accumulated so far. */
export interface WindowState {
  /** Deliveries allowed at once; 0 once the destination is dead. */
  window: number;
  success: number;
  failure: number;
  /** Failed pseudo-cohorts since the last positive step: each failure adds 1/window. */
  failCohorts: number;
}

export const initialWindow = (limits: WindowLimits): WindowState => ({ window: limits.initial, success: 0, failure: 0, failCohorts: 0 });

/**
 * A delivery that reached the site, with `busy` deliveries in progress (the finishing one
 * included): the window grows by one for each full cycle of positive feedback, while it is
 * under the limit and under busy + initial concurrency. Also restarts the failed-cohort count.
 */
export function positiveFeedback(s: WindowState, limits: WindowLimits, busy: number): void {
  s.failCohorts = 0;
  if (limits.limit !== 0 && s.window >= limits.limit) return;
  if (s.window >= busy + limits.initial) return;
  const fb = feedbackAt(limits.positive, s.window);
  s.success += fb;
  while (s.success + fb / 2 >= HYSTERESIS) {
    s.window += HYSTERESIS;
    s.success -= HYSTERESIS;
    s.failure = 0;
  }
  if (limits.limit > 0 && s.window > limits.limit) s.window = limits.limit;
}

/**
 * A delivery that could not reach the site: one more failed pseudo-cohort (1/window); at the
 * cohort limit the destination is dead (window 0, returns true). Otherwise the window shrinks
 * by one for each full cycle of negative feedback, never below 1.
 */
export function negativeFeedback(s: WindowState, limits: WindowLimits): boolean {
  s.failCohorts += 1 / s.window;
  if (limits.cohortLimit > 0 && s.failCohorts >= limits.cohortLimit) {
    s.window = 0;
    return true;
  }
  const fb = feedbackAt(limits.negative, s.window);
  s.failure -= fb;
  while (s.failure - fb / 2 < 0) {
    s.window -= HYSTERESIS;
    s.success = 0;
    s.failure += HYSTERESIS;
  }
  if (s.window < 1) s.window = 1;
  return false;
}

/**
 * A dead destination given another chance (minimal_backoff_time later, a flush, or a delivery
 * in progress that did reach the site): the window restarts at the deliveries still in
 * progress, or at the initial concurrency when there are none; the feedback starts over.
 */
export function revive(s: WindowState, limits: WindowLimits, busy: number): void {
  s.window = busy > 0 ? busy : limits.initial;
  s.success = s.failure = s.failCohorts = 0;
}
