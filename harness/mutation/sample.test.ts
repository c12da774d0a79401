// The sampled mode's choices: seeded and repeatable, spread evenly over the folders, and
// turned into Stryker mutate ranges with lines counted from 1.
import { describe, expect, it } from 'vitest';
import { folderOf, mutateRange, mutateRanges, quotas, randomFrom, sampleMutants, shuffled, type MutantSite } from './sample.ts';

function site(file: string, line: number, column = 0): MutantSite {
  return { file, mutatorName: 'StringLiteral', replacement: '""', location: { start: { line, column }, end: { line, column: column + 5 } } };
}

const ALL: MutantSite[] = [
  ...Array.from({ length: 50 }, (_, i) => site('reference/services/smtpd/session.ts', i)),
  ...Array.from({ length: 30 }, (_, i) => site('reference/services/local/local.ts', i)),
  ...Array.from({ length: 3 }, (_, i) => site('reference/services/bounce/bounce.ts', i)),
];

describe('mutation sample', () => {
  it('names the folder below reference/services', () => {
    expect(folderOf('reference/services/trivial-rewrite/resolve.ts')).toBe('trivial-rewrite');
    expect(folderOf('reference/services/smtpd/sub/x.ts')).toBe('smtpd');
  });

  it('draws the same numbers from the same seed, others from another', () => {
    const a = randomFrom(42);
    const b = randomFrom(42);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(randomFrom(43)()).not.toBe(xs[0]);
  });

  it('shuffles without losing or adding anything', () => {
    const items = Array.from({ length: 20 }, (_, i) => i);
    const s = shuffled(items, randomFrom(7));
    expect([...s].sort((x, y) => x - y)).toEqual(items);
    expect(s).not.toEqual(items);
  });

  it('splits the size evenly and hands a small folder’s surplus on', () => {
    expect(quotas({ smtpd: 50, local: 30, bounce: 3 }, 30)).toEqual({ smtpd: 13, local: 14, bounce: 3 });
    expect(quotas({ smtpd: 50, local: 30 }, 10)).toEqual({ smtpd: 5, local: 5 });
    expect(quotas({ smtpd: 2, local: 1 }, 10)).toEqual({ smtpd: 2, local: 1 });
  });

  it('samples per folder, repeatably for a seed', () => {
    const s = sampleMutants(ALL, 30, 42);
    expect(s.picked).toHaveLength(30);
    expect(s.population).toEqual({ smtpd: 50, local: 30, bounce: 3 });
    const per = (f: string) => s.picked.filter((m) => folderOf(m.file) === f).length;
    expect([per('smtpd'), per('local'), per('bounce')]).toEqual([13, 14, 3]);
    expect(sampleMutants(ALL, 30, 42).picked).toEqual(s.picked);
    expect(sampleMutants(ALL, 30, 43).picked).not.toEqual(s.picked);
  });

  it('gives Stryker ranges with lines from 1 and columns as they are, once per location', () => {
    expect(mutateRange(site('reference/services/smtpd/session.ts', 495, 21))).toBe('reference/services/smtpd/session.ts:496:21-496:26');
    const twice = { seed: 1, size: 2, population: {}, picked: [site('a.ts', 0), { ...site('a.ts', 0), mutatorName: 'Other' }] };
    expect(mutateRanges(twice)).toEqual(['a.ts:1:0-1:5']);
  });
});
