import { defineConfig } from 'vitest/config';

/**
 * Three projects (`npm test` runs them all):
 * - `unit`: the domain, the templates, the CDK app, the HTTP helpers: no server is started (no global setup;
 *   a unit test that asks for the servers fails).
 * - `integration`: the real local servers (DynamoDB Local, S3, SES, the TSA, the OpenID provider), started once
 *   by the global setup; each file makes its own table and bucket.
 * - `browser`: Debian's Chromium on the same local servers.
 *
 * `npm run test:unit` runs the first alone. On this 2-core machine most integration time is spent waiting on
 * the servers (DynamoDB Local, openssl, Chromium), so files run three at a time rather than vitest's default
 * of one per spare core.
 */
const SERVERS = 'test/support/global-setup.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: Number(process.env.TEST_WORKERS ?? 3),
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: [SERVERS], testTimeout: 60_000, hookTimeout: 120_000 } },
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: [SERVERS], testTimeout: 60_000, hookTimeout: 120_000 } },
    ],
  },
});
