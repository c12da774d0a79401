/**
 * One name per test, the same from vitest's JSON report (the campaign's baseline run) and from
 * a running test (the campaign's vitest setup): "<file relative to the project>#<full name>",
 * the full name being the suite names and the test name joined by spaces, as vitest's JSON
 * reporter writes it.
 */
import { relative } from 'node:path';

export function testKey(root: string, file: string, fullName: string): string {
  return `${relative(root, file).split('\\').join('/')}#${fullName}`;
}

/** The shape of a vitest task this needs: its name and the chain of suites above it. */
interface TaskLike {
  name: string;
  suite?: TaskLike;
}

/** A running test's full name, built as the JSON reporter builds it. */
export function fullNameOf(task: TaskLike): string {
  const titles: string[] = [];
  for (let s = task.suite; s; s = s.suite) titles.unshift(s.name);
  return task.name ? [...titles, task.name].join(' ') : titles.join(' ');
}
