/// <reference types="vite/client" />
/**
 * The infra project's one test file: it loads every module of `checks/` (each holds the describes of one
 * subject: a stack, cdk-nag, least privilege, the bundles…), so that they run in one worker and share the app
 * built once per set of options (support.ts). One file rather than eight lets vitest run this project beside
 * the others instead of in a group of its own at the end; a module of `checks/` is picked up by being there.
 * Run one subject with `npm run test:infra -- -t "cdk-nag"`.
 */
import { readdirSync } from 'node:fs';
import { expect, it } from 'vitest';

const checks = import.meta.glob('./checks/*.ts', { eager: true });

it('loads every module of checks/', () => {
  const files = readdirSync(new URL('./checks/', import.meta.url)).filter((name) => name.endsWith('.ts'));
  expect(Object.keys(checks).map((path) => path.replace('./checks/', '')).sort()).toEqual(files.sort());
});
