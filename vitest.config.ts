import { defineConfig } from 'vitest/config';
import { SideBySide } from './test/support/sequencer.ts';

/**
 * Five projects, one folder each (`npm test` runs them all; `npm run test:<project>` one):
 * - `unit` (test/unit/): the domain's rules, the use cases on the in-memory Deps (test/support/memory-deps.ts),
 *   the templates that make text, the HTTP helpers, the dependency rule. No server, no child process: seconds.
 * - `documents` (test/documents/): the PDFs rendered and read back with poppler and qpdf (child processes);
 *   its files share their workers (isolate off), so pdf-lib and the templates are imported once per worker.
 * - `infra` (test/infra/): the CDK app synthesised and checked (templates, cdk-nag, least privilege, bundles).
 *   One file, infra.test.ts, loads the modules of test/infra/checks/: they run in one process, so that the app
 *   built once with the same settings serves them all (test/infra/support.ts), and beside the other projects'
 *   files (several infra files would need their own worker count, hence a group of their own, at the end).
 * - `integration` (test/integration/): the real local servers (DynamoDB Local, S3, SES, the TSA, the OpenID
 *   provider), started once by the global setup for this project and the browser one; each file makes its own
 *   table and bucket, and its own handler modules (see docs/architecture.md, "What a test run costs"): the
 *   files share their worker processes (isolate off), so the SDK and the rest are imported once per worker.
 * - `browser` (test/browser/): Debian's Chromium on the same servers, beside the integration files.
 *
 * On this 2-core machine most integration time is spent waiting on the servers (DynamoDB Local, openssl,
 * Chromium), so files run three at a time rather than vitest's default of one per spare core (four used
 * more CPU for the same run), and the projects' files start side by side rather than one project after
 * another (test/support/sequencer.ts).
 */
const SERVERS = 'test/support/global-setup.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    maxWorkers: Number(process.env.TEST_WORKERS ?? 3),
    sequence: { sequencer: SideBySide },
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], isolate: false, testTimeout: 30_000 } },
      { test: { name: 'documents', isolate: false, include: ['test/documents/**/*.test.ts'], testTimeout: 60_000 } },
      { test: { name: 'infra', include: ['test/infra/**/*.test.ts'], testTimeout: 120_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], globalSetup: [SERVERS], isolate: false, testTimeout: 60_000, hookTimeout: 120_000 } },
      { test: { name: 'browser', include: ['test/browser/**/*.test.ts'], globalSetup: [SERVERS], testTimeout: 120_000, hookTimeout: 120_000 } },
    ],
  },
});
