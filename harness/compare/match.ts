/**
 * Expectation matching with readable failures: each check returns undefined when it holds, or
 * a text that shows what was expected next to what was observed.
 */
import { ABSENT, type Match, type ReplyExpect } from '../scenario/types.ts';

export function matches(m: Match, v: unknown): boolean {
  if (m === ABSENT) return v === undefined;
  if (m instanceof RegExp) return typeof v === 'string' && m.test(v);
  if (typeof m === 'number') return typeof v === 'number' ? v === m : String(v) === String(m);
  return v === m || (typeof v !== 'object' && String(v) === String(m));
}

export function showMatch(m: Match): string {
  if (m === ABSENT) return '(absent)';
  return m instanceof RegExp ? m.toString() : JSON.stringify(m);
}

/** Does every field of `want` match the same field of `obj`? (undefined fields are ignored) */
export function matchesFields(want: Record<string, Match | undefined>, obj: Record<string, unknown>): boolean {
  return Object.entries(want).every(([k, m]) => m === undefined || matches(m, obj[k]));
}

/** Fields of `want` that do not match `obj`, as "field: expected X, observed Y" lines. */
export function fieldDiff(want: Record<string, Match | undefined>, obj: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, m] of Object.entries(want)) {
    if (m === undefined || matches(m, obj[k])) continue;
    out.push(`${k}: expected ${showMatch(m)}, observed ${obj[k] === undefined ? '(absent)' : JSON.stringify(obj[k])}`);
  }
  return out;
}

export interface ReplyLike {
  code: number;
  enhanced?: string;
  text: string;
}

/** Check a reply against a ReplyExpect ("250", 250, "5.7.1", "550 5.1.1", or fields). */
export function replyDiff(want: ReplyExpect, got: ReplyLike): string | undefined {
  const show = `${got.code} ${got.text}`.trim();
  if (typeof want === 'number') return got.code === want ? undefined : `expected reply ${want}, observed "${show}"`;
  if (typeof want === 'string') {
    const parts = want.trim().split(/\s+/);
    const code = /^\d{3}$/.test(parts[0] ?? '') ? Number(parts.shift()) : undefined;
    const enhanced = /^\d\.\d{1,3}\.\d{1,3}$/.test(parts[0] ?? '') ? parts.shift() : undefined;
    const ok = (code === undefined || code === got.code) && (enhanced === undefined || got.text.startsWith(enhanced) || got.enhanced === enhanced);
    return ok ? undefined : `expected reply "${want}", observed "${show}"`;
  }
  const problems: string[] = [];
  if (want.code !== got.code) problems.push(`code ${want.code}`);
  if (want.enhanced && !(got.enhanced === want.enhanced || got.text.startsWith(want.enhanced))) problems.push(`status ${want.enhanced}`);
  if (want.text !== undefined && !matches(want.text, got.text)) problems.push(`text ${showMatch(want.text)}`);
  return problems.length ? `expected reply with ${problems.join(', ')}; observed "${show}"` : undefined;
}
