// `npm run loadtest`: the load and fault tests under test/load (files named *.load.ts, so `npm test` skips them).
// One file at a time: they start real servers and measure latency, and CI machines are small.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/load/**/*.load.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
