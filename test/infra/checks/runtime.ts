import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../../infra/app.ts';

const pkg = JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8'));
const bundling = readFileSync(join(PROJECT_ROOT, 'infra/paraphe-function.ts'), 'utf8');

describe("Lambda's runtime is the runtime that runs and tests the code", () => {
  it('the tests run on Node 22, the major of nodejs22.x (the node@22 devDependency comes first on the PATH of npm scripts)', () => {
    expect(process.versions.node.split('.')[0]).toBe('22');
    expect(pkg.devDependencies.node.replace(/^[\^~]/, '').split('.')[0]).toBe('22');
  });

  it('the functions are bundled for node22 and deployed on nodejs22.x', () => {
    expect(bundling).toMatch(/runtime: lambda\.Runtime\.NODEJS_22_X/);
    expect(bundling).toMatch(/target: 'node22'/);
  });
});
