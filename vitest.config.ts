import { defineConfig } from 'vitest/config';

// Tests that drive real Postfix start private instances; each takes a few seconds,
// so timeouts are generous and files run in a small pool (2 cores here).
export default defineConfig({
  test: {
    include: ['harness/**/*.test.ts', 'reference/**/*.test.ts', 'specs/**/*.test.ts', 'property/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default'],
    globalSetup: ['harness/util/global-setup.ts'],
  },
});
