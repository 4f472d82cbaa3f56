import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['backend/src/**/*.test.ts', 'tests/**/*.test.ts'],
    // Suites start real servers on loopback; two cores are shared with them.
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
