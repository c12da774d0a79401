// Conformance suite, shard 1 of 2 (see specs/_suite/conformance.ts).
import { conformanceShard } from './_suite/conformance.ts';

conformanceShard(0, 2);
