/**
 * The dependency rule of docs/architecture.md: which layer may import which. A file's layer is its folder;
 * an import against the grain is a violation. Pure: it reads the files it is given.
 *
 *   domain      functions/domain/      the model and the rules: data in, data out
 *   templates   templates/             data to bytes (PDF, HTML, email, CSV) and the French phrasing of the domain's results
 *   use-cases   functions/use-cases/   orchestrate the ports, the domain and the templates; the ports they need
 *   adapters    functions/adapters/    the ports on AWS (DynamoDB, S3, SES, KMS/secrets, TSA) and the composition
 *   handlers    functions/http/, functions/console/, functions/<function>/   the Lambda entry points and their HTTP helpers
 *
 * Besides imports, a handler never calls a repository port itself (`d.conventions.get(…)`): what it reads or
 * writes goes through one use case, which holds the rule (NOT_FOUND, the checks) the other entry points share.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

export type Layer = 'domain' | 'templates' | 'use-cases' | 'adapters' | 'handlers';

/** What each layer may import, besides itself and packages. */
export const ALLOWED: Record<Layer, readonly Layer[]> = {
  domain: [],
  templates: ['domain'],
  'use-cases': ['domain', 'templates'],
  adapters: ['domain', 'use-cases', 'templates'],
  handlers: ['domain', 'use-cases', 'templates', 'adapters'],
};

/** Node built-ins a layer may not use: the domain and the templates' callers never touch the disk or processes. */
const FORBIDDEN_MODULES: Partial<Record<Layer, RegExp>> = {
  domain: /^(node:)?(fs|fs\/promises|child_process|net|http|https)$|^@aws-sdk\//,
  'use-cases': /^(node:)?(fs|fs\/promises|child_process|net|http|https)$|^@aws-sdk\//,
  templates: /^@aws-sdk\//,
};

export function layerOf(path: string): Layer | undefined {
  if (path.startsWith('functions/domain/')) return 'domain';
  if (path.startsWith('functions/use-cases/')) return 'use-cases';
  if (path.startsWith('functions/adapters/')) return 'adapters';
  if (path.startsWith('templates/')) return 'templates';
  if (path.startsWith('functions/')) return 'handlers';
  return undefined;
}

/** The module specifiers a source imports or re-exports (static, type-only and dynamic). */
export function importsOf(source: string): string[] {
  const found = new Set<string>();
  for (const match of source.matchAll(/(?:^|[\s;])(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|(?:^|[\s;(])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s+['"]([^'"]+)['"]/gm)) {
    found.add((match[1] ?? match[2] ?? match[3])!);
  }
  return [...found];
}

export interface Violation {
  file: string;
  imports: string;
  rule: string;
}

/** The repository ports of use-cases/ports.ts: a handler reaches them only through a use case. */
export const REPOSITORY_PORTS = ['campaigns', 'conventions', 'avenants', 'reminders', 'jobs', 'undeliverable', 'anchors', 'documents'] as const;

const REPOSITORY_CALL = new RegExp(`[\\w)\\]]\\s*\\.\\s*(${REPOSITORY_PORTS.join('|')})\\s*\\.\\s*(\\w+)\\s*\\(`, 'g');

/** The repository methods a source calls on its deps (`d.jobs.wakeDue(`), as `jobs.wakeDue`. */
export function repositoryCallsOf(source: string): string[] {
  return [...new Set([...source.matchAll(REPOSITORY_CALL)].map((match) => `${match[1]}.${match[2]}`))];
}

/** Every import of `files` (repository-relative path → source) against the rule, and every repository call of a handler. */
export function layerViolations(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    const layer = layerOf(file);
    if (!layer) continue;
    for (const specifier of importsOf(source)) {
      if (specifier.startsWith('.')) {
        const target = normalize(join(dirname(file), specifier));
        const targetLayer = layerOf(target);
        if (!targetLayer) {
          violations.push({ file, imports: target, rule: `${layer} imports outside the application's layers` });
          continue;
        }
        if (targetLayer === layer) {
          // One handler never imports another function's folder: what they share lives in a lower layer or in functions/http/.
          const own = (path: string) => path.split('/').slice(0, 2).join('/');
          if (layer === 'handlers' && own(target) !== own(file) && !target.startsWith('functions/http/')) {
            violations.push({ file, imports: target, rule: 'a handler imports another function' });
          }
          continue;
        }
        if (!ALLOWED[layer].includes(targetLayer)) violations.push({ file, imports: target, rule: `${layer} may not import ${targetLayer}` });
      } else if (FORBIDDEN_MODULES[layer]?.test(specifier)) {
        violations.push({ file, imports: specifier, rule: `${layer} may not use ${specifier}` });
      }
    }
    if (layer === 'handlers') {
      for (const call of repositoryCallsOf(source)) violations.push({ file, imports: call, rule: 'a handler calls a repository: call a use case' });
    }
  }
  return violations;
}

/** The application's TypeScript files under `root`, by repository-relative path. */
export function applicationSources(root: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.ts$/.test(name) && !name.endsWith('.d.ts')) files.set(relative(root, path), readFileSync(path, 'utf8'));
    }
  };
  walk(join(root, 'functions'));
  walk(join(root, 'templates'));
  return files;
}
