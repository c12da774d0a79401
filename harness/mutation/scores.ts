/**
 * The score per folder, from Stryker's JSON report (mutation-testing-report-schema): for every
 * folder below reference/services, how many mutants were killed, survived, not covered, timed
 * out (or otherwise), and the mutation score (killed + timeout) / (all of them but the ignored
 * and the ones that did not compile), as Stryker counts it.
 */
import { folderOf } from './sample.ts';

export interface ReportMutant {
  id: string;
  mutatorName: string;
  replacement?: string;
  status: string;
  location: { start: { line: number; column: number } };
}
export interface MutationReport {
  files: Record<string, { mutants: ReportMutant[] }>;
}

export interface FolderScore {
  folder: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  /** RuntimeError and the like: detected, counted in the score as Stryker does. */
  errors: number;
  ignored: number;
  /** killed + timeout + errors + survived + noCoverage */
  tested: number;
  score: number;
}

const COUNTED: Record<string, keyof Omit<FolderScore, 'folder' | 'tested' | 'score'>> = {
  Killed: 'killed',
  Survived: 'survived',
  NoCoverage: 'noCoverage',
  Timeout: 'timeout',
  RuntimeError: 'errors',
  Ignored: 'ignored',
};

function emptyScore(folder: string): FolderScore {
  return { folder, killed: 0, survived: 0, noCoverage: 0, timeout: 0, errors: 0, ignored: 0, tested: 0, score: NaN };
}

/** Scores per folder (sorted by name) and a total row named "all". */
export function folderScores(report: MutationReport): FolderScore[] {
  const rows = new Map<string, FolderScore>();
  const total = emptyScore('all');
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const row = rows.get(folderOf(file)) ?? emptyScore(folderOf(file));
    rows.set(row.folder, row);
    for (const m of mutants) {
      const field = COUNTED[m.status];
      if (!field) continue; // CompileError, Pending: not part of the score
      row[field]++;
      total[field]++;
    }
  }
  return [...[...rows.values()].sort((a, b) => a.folder.localeCompare(b.folder)), total].map(finish);
}

function finish(r: FolderScore): FolderScore {
  const detected = r.killed + r.timeout + r.errors;
  const tested = detected + r.survived + r.noCoverage;
  return { ...r, tested, score: tested ? (100 * detected) / tested : NaN };
}

/** The scores as a Markdown table. */
export function scoreTable(rows: FolderScore[]): string {
  const head = '| folder | tested | killed | survived | no coverage | timeout | score |\n|---|---:|---:|---:|---:|---:|---:|';
  const lines = rows.map((r) => `| ${r.folder} | ${r.tested} | ${r.killed + r.errors} | ${r.survived} | ${r.noCoverage} | ${r.timeout} | ${Number.isNaN(r.score) ? '–' : `${r.score.toFixed(1)} %`} |`);
  return [head, ...lines].join('\n');
}

/** The surviving and uncovered mutants, one line each: where, which mutator, what it put in. */
export function survivors(report: MutationReport): string[] {
  const out: string[] = [];
  for (const [file, { mutants }] of Object.entries(report.files).sort()) {
    for (const m of mutants.filter((x) => x.status === 'Survived' || x.status === 'NoCoverage')) {
      out.push(`${m.status} ${file}:${m.location.start.line}:${m.location.start.column} ${m.mutatorName} → ${(m.replacement ?? '').replace(/\s+/g, ' ').slice(0, 80)}`);
    }
  }
  return out;
}
