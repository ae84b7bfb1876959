// `npm run hostile`: the hostile-input suite (files named *.hostile.ts, so `npm test` skips them): one wired service on
// loopback, thousands of generated bad inputs to every HTTP surface. One file, one worker.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/hostile/**/*.hostile.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 300_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
