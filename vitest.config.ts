import { defineConfig } from 'vitest/config';

// Tests start real servers on 127.0.0.1:0; forks keep each file's sockets and timers apart.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
