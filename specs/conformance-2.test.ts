// Conformance suite, shard 2 of 2 (see specs/_suite/conformance.ts).
import { conformanceShard } from './_suite/conformance.ts';

conformanceShard(1, 2);
