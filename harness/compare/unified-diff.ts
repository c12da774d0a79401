/**
 * A line-based unified diff (the format of `diff -u`), for showing how two compared items
 * differ. The edit script is a shortest one (Myers' O(ND) algorithm); hunks carry `context`
 * lines of context around each change. Called by the comparator (diff.ts).
 */

type Op = { kind: ' ' | '-' | '+'; line: string; a: number; b: number };

/** The trace of furthest-reaching paths of Myers' algorithm, one snapshot per edit distance. */
function myersTrace(a: string[], b: string[]): number[][] {
  const max = a.length + b.length;
  const v = new Array<number>(2 * max + 2).fill(0);
  const trace: number[][] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[k - 1 + max]! < v[k + 1 + max]!);
      let x = down ? v[k + 1 + max]! : v[k - 1 + max]! + 1;
      let y = x - k;
      while (x < a.length && y < b.length && a[x] === b[y]) {
        x++;
        y++;
      }
      v[k + max] = x;
      if (x >= a.length && y >= b.length) return trace;
    }
  }
  return trace;
}

/** Myers remembers up to (n+m)² path ends; above this the changed middle is shown as removed, then added. */
const TRACE_BUDGET = 20_000_000;

/** The edit script from `a` to `b`: kept, removed and added lines in order, with their indexes. */
export function editScript(a: string[], b: string[]): Op[] {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let post = 0;
  while (post < a.length - pre && post < b.length - pre && a[a.length - 1 - post] === b[b.length - 1 - post]) post++;
  const head = a.slice(0, pre).map((line, i): Op => ({ kind: ' ', line, a: i, b: i }));
  const tail = a.slice(a.length - post).map((line, i): Op => ({ kind: ' ', line, a: a.length - post + i, b: b.length - post + i }));
  const midA = a.slice(pre, a.length - post);
  const midB = b.slice(pre, b.length - post);
  const mid = (midA.length + midB.length) ** 2 > TRACE_BUDGET ? replaceAll(midA, midB) : middleScript(midA, midB);
  return [...head, ...mid.map((op) => ({ ...op, a: op.a + pre, b: op.b + pre })), ...tail];
}

/** Every line of `a` removed, then every line of `b` added. */
function replaceAll(a: string[], b: string[]): Op[] {
  return [...a.map((line, i): Op => ({ kind: '-', line, a: i, b: 0 })), ...b.map((line, i): Op => ({ kind: '+', line, a: a.length, b: i }))];
}

/** Myers' shortest edit script of two line lists. */
function middleScript(a: string[], b: string[]): Op[] {
  const max = a.length + b.length;
  const trace = myersTrace(a, b);
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  for (let d = trace.length - 1; d >= 0; d--) {
    const v = trace[d]!;
    const k = x - y;
    const down = k === -d || (k !== d && v[k - 1 + max]! < v[k + 1 + max]!);
    const prevK = down ? k + 1 : k - 1;
    const prevX = d === 0 ? 0 : v[prevK + max]!;
    const prevY = d === 0 ? 0 : prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      ops.push({ kind: ' ', line: a[x]!, a: x, b: y });
    }
    if (d === 0) break;
    if (down) ops.push({ kind: '+', line: b[--y]!, a: x, b: y });
    else ops.push({ kind: '-', line: a[--x]!, a: x, b: y });
  }
  return ops.reverse();
}

/** "start,count" of a hunk side, 1-based as diff -u writes it (an empty side names the line before). */
function range(start: number, count: number): string {
  const first = count === 0 ? start : start + 1;
  return count === 1 ? `${first}` : `${first},${count}`;
}

/** Group the changes with their context into hunks (index ranges into ops). */
function hunkRanges(ops: Op[], context: number): [number, number][] {
  const out: [number, number][] = [];
  ops.forEach((op, i) => {
    if (op.kind === ' ') return;
    const from = Math.max(0, i - context);
    const to = Math.min(ops.length, i + context + 1);
    const last = out[out.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  });
  return out;
}

/**
 * `diff -u` of two line lists with the given file labels; "" when they are equal. Lines are
 * shown as they are: callers make control characters visible first.
 */
export function unifiedDiff(a: string[], b: string[], labelA: string, labelB: string, context = 3): string {
  const ops = editScript(a, b);
  const hunks = hunkRanges(ops, context);
  if (!hunks.length) return '';
  const out = [`--- ${labelA}`, `+++ ${labelB}`];
  for (const [from, to] of hunks) {
    const part = ops.slice(from, to);
    const aCount = part.filter((o) => o.kind !== '+').length;
    const bCount = part.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${range(part[0]!.a, aCount)} +${range(part[0]!.b, bCount)} @@`);
    for (const op of part) out.push(`${op.kind}${op.line}`);
  }
  return out.join('\n');
}
