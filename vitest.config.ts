import { defineConfig } from 'vitest/config';

/**
 * Five projects, one folder each (`npm test` runs them all; `npm run test:<project>` one):
 * - `unit` (test/unit/): the domain's rules, the use cases on the in-memory Deps (test/support/memory-deps.ts),
 *   the templates that make text, the HTTP helpers, the dependency rule. No server, no child process: seconds.
 * - `documents` (test/documents/): the PDFs rendered and read back with poppler and qpdf (child processes).
 * - `infra` (test/infra/): the CDK app synthesised and checked (templates, cdk-nag, least privilege, bundles).
 * - `integration` (test/integration/): the real local servers (DynamoDB Local, S3, SES, the TSA, the OpenID
 *   provider), started once by the global setup; each file makes its own table and bucket.
 * - `browser` (test/browser/): Debian's Chromium on the same servers, files one at a time.
 *
 * On this 2-core machine most integration time is spent waiting on the servers (DynamoDB Local, openssl,
 * Chromium), so files run three at a time rather than vitest's default of one per spare core.
 */
const SERVERS = 'test/support/global-setup.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: Number(process.env.TEST_WORKERS ?? 3),
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, testTimeout: 30_000 } },
      { test: { name: 'documents', include: ['test/documents/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], isolate: false, fileParallelism: false, testTimeout: 120_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: [SERVERS], testTimeout: 60_000, hookTimeout: 120_000 } },
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: [SERVERS], fileParallelism: false, testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
