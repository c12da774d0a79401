/**
 * The sampled mode of the mutation campaign: from every mutant Stryker would make, pick `size`
 * at random with a seed (printed, so a campaign can be repeated), spread evenly over the
 * folders (services) so each folder's score rests on about the same number of mutants; a
 * folder with fewer mutants than its share gives the rest to the others.
 *
 * Stryker is told about the sample with its `--mutate file:line:col-line:col` ranges, one per
 * picked mutant's location. A range also takes in the mutants nested inside that location (the
 * `{}` of a block takes in everything in the block); sample-ignorer.mjs reads the sample file
 * and marks those as ignored, so only the picked locations are tested. Mutants on exactly the
 * same expression as a picked one (other mutators of the same node) come along and are tested
 * too: the campaign reports how many mutants were tested in the end.
 */

/** A location as Stryker's API gives it: lines from 0, columns from 0. */
export interface Position {
  line: number;
  column: number;
}
export interface Location {
  start: Position;
  end: Position;
}

export interface MutantSite {
  /** Path relative to the project, "/"-separated. */
  file: string;
  mutatorName: string;
  replacement: string;
  location: Location;
}

export interface Sample {
  seed: number;
  size: number;
  /** Mutants per folder before sampling. */
  population: Record<string, number>;
  picked: MutantSite[];
}

/** The folder a mutant belongs to: the directory below reference/services (or its directory). */
export function folderOf(file: string): string {
  const m = /^reference\/services\/([^/]+)\//.exec(file);
  return m ? m[1] : file.split('/').slice(0, -1).join('/');
}

/** A small seeded generator (xorshift32) giving floats in [0, 1). */
export function randomFrom(seed: number): () => number {
  let x = seed >>> 0 || 0x9e3779b9;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x1_0000_0000;
  };
}

/** A copy of `items` in random order (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * How many mutants each folder gives: `size` split evenly, a folder's surplus (it has fewer
 * mutants than its share) handed on to the folders that still have some.
 */
export function quotas(population: Record<string, number>, size: number): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(Object.keys(population).map((f) => [f, 0]));
  let left = Math.min(size, Object.values(population).reduce((a, b) => a + b, 0));
  while (left > 0) {
    const open = Object.keys(population).filter((f) => out[f] < population[f]).sort();
    const share = Math.max(1, Math.floor(left / open.length));
    for (const f of open) {
      const take = Math.min(share, population[f] - out[f], left);
      out[f] += take;
      left -= take;
      if (left === 0) break;
    }
  }
  return out;
}

/** Pick `size` mutants at random (seeded), spread evenly over the folders. */
export function sampleMutants(all: readonly MutantSite[], size: number, seed: number): Sample {
  const byFolder = new Map<string, MutantSite[]>();
  for (const m of all) byFolder.set(folderOf(m.file), [...(byFolder.get(folderOf(m.file)) ?? []), m]);
  const population = Object.fromEntries([...byFolder].map(([f, ms]) => [f, ms.length]));
  const want = quotas(population, size);
  const random = randomFrom(seed);
  const picked: MutantSite[] = [];
  for (const folder of [...byFolder.keys()].sort()) {
    picked.push(...shuffled(byFolder.get(folder)!, random).slice(0, want[folder]));
  }
  return { seed, size, population, picked };
}

/** Stryker's mutate range of one site: "file:line:col-line:col", lines counted from 1. */
export function mutateRange(site: MutantSite): string {
  const { start, end } = site.location;
  return `${site.file}:${start.line + 1}:${start.column}-${end.line + 1}:${end.column}`;
}

/** The distinct mutate ranges of a sample, in a stable order. */
export function mutateRanges(sample: Sample): string[] {
  return [...new Set(sample.picked.map(mutateRange))].sort();
}
