import { defineConfig } from 'vitest/config';
import base from './vitest.config';

// `npm run test:e2e`: tests that drive a real browser (Debian's chromium), kept out of
// `npm test` so the unit suite needs no browser. Same resolution and pool as the unit suite.
export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/e2e/**/*.e2e.ts'], testTimeout: 60_000 },
});
