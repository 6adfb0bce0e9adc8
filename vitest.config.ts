import { defineConfig } from 'vitest/config';

// Tests start real servers on 127.0.0.1:0; forks keep each file's sockets and timers apart.
export default defineConfig({
  resolve: {
    // graphql 16 ships CJS (main) and ESM (module) builds. Node — and so Pothos and yoga —
    // load the CJS one; Vite would hand our sources the ESM one, and graphql refuses to mix
    // two copies. Pin the same build Node uses.
    alias: { graphql: 'graphql/index.js' },
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
