import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Infra tests only, without the global setup (they start no local server):
 * `npx vitest run --config test/infra/vitest.config.ts`.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/infra/**/*.test.ts'],
    testTimeout: 120_000,
    pool: 'forks',
  },
});
