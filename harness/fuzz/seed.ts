/**
 * Seeds of the rewrite fuzzer: the fixed CI seed, overridable by the TWINPOST_SEED environment
 * variable (property/rewrite), and parsing of --seed / TWINPOST_SEED values (32-bit integers, as
 * fast-check takes them).
 */
export const DEFAULT_FUZZ_SEED = 20261128;

export function parseSeed(text: string): number {
  const n = Number(text.trim());
  if (!Number.isInteger(n) || Math.abs(n) > 0x7fffffff) throw new Error(`bad seed "${text}": expected a 32-bit integer`);
  return n;
}

/** The seed to use: `override` (e.g. process.env.TWINPOST_SEED) when set, else the fixed default. */
export function fuzzSeed(override: string | undefined): number {
  return override === undefined || override.trim() === '' ? DEFAULT_FUZZ_SEED : parseSeed(override);
}
