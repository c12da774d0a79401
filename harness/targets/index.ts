/** Makes a target by name. Every target honours the same contract (types.ts). */
import type { Target, TargetName } from './types.ts';
import type { Placeholders } from './config-dir.ts';
import { PostfixTarget } from './postfix/postfix-target.ts';
import { ReferenceTarget } from './reference/reference-target.ts';
import { ContainerTarget } from './container/container-target.ts';

export interface TargetOptions {
  vars?: Placeholders;
  timeoutMs?: number;
}

export const TARGET_NAMES: TargetName[] = ['postfix', 'reference', 'container'];

export function createTarget(name: TargetName, opts: TargetOptions = {}): Target {
  switch (name) {
    case 'postfix':
      return new PostfixTarget(opts);
    case 'reference':
      return new ReferenceTarget(opts);
    case 'container':
      return new ContainerTarget(opts);
    default:
      throw new Error(`target "${name}" is not available in this build (available: postfix, reference)`);
  }
}
