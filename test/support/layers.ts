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
 * And the domain words nothing: no string literal of functions/domain/ holds French prose (domainProse); its
 * rules return codes and data, which templates/ phrase.
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

/** A string literal of a source: its text (a template literal's `${…}` as …) and the line it starts on. */
export interface StringLiteral {
  line: number;
  text: string;
}

/** Keywords after which a `/` opens a regular expression, not a division. */
const BEFORE_REGEX = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']);

/**
 * Every string literal of a TypeScript source, with what a scanner needs to tell them apart from the rest:
 * comments and regular expressions are skipped (a regex's letters are a pattern, not a sentence), and a
 * template literal's static parts are read, its `${…}` scanned as code.
 */
export function stringLiteralsOf(source: string): StringLiteral[] {
  const literals: StringLiteral[] = [];
  let i = 0;
  let line = 1;
  // The last significant token, to tell a regex from a division.
  let previous = '';
  const advance = (to: number) => {
    for (; i < to; i += 1) if (source[i] === '\n') line += 1;
  };
  /** A '…', "…" or `…` literal; in a template literal, each `${…}` is code, read as such. */
  const literal = (quote: string) => {
    const start = line;
    let text = '';
    advance(i + 1);
    while (i < source.length && source[i] !== quote) {
      if (source[i] === '\\') {
        text += source[i + 1] ?? '';
        advance(i + 2);
      } else if (quote === '`' && source[i] === '$' && source[i + 1] === '{') {
        advance(i + 2);
        code('}');
        advance(i + 1);
        text += '…';
      } else {
        text += source[i];
        advance(i + 1);
      }
    }
    advance(i + 1);
    literals.push({ line: start, text });
  };
  const regex = () => {
    let inClass = false;
    advance(i + 1);
    while (i < source.length && source[i] !== '\n' && (inClass || source[i] !== '/')) {
      if (source[i] === '\\') advance(i + 1);
      else if (source[i] === '[') inClass = true;
      else if (source[i] === ']') inClass = false;
      advance(i + 1);
    }
    advance(i + 1);
    while (/[a-z]/.test(source[i] ?? '')) advance(i + 1);
  };
  /** Code up to the `close` that ends it at depth 0 (or the end of the source). */
  function code(close?: string): void {
    let depth = 0;
    while (i < source.length) {
      const char = source[i]!;
      const next = source[i + 1];
      if (char === '/' && next === '/') {
        const end = source.indexOf('\n', i);
        advance(end === -1 ? source.length : end);
      } else if (char === '/' && next === '*') {
        const end = source.indexOf('*/', i + 2);
        advance(end === -1 ? source.length : end + 2);
      } else if (char === "'" || char === '"' || char === '`') {
        literal(char);
        previous = 'literal';
      } else if (char === '/') {
        // After a value (a name, a number, a literal, a closing bracket) a slash divides; elsewhere it opens a regex.
        if (/^[\w$)\]]/.test(previous) && !BEFORE_REGEX.has(previous)) {
          advance(i + 1);
          previous = '/';
        } else {
          regex();
          previous = 'literal';
        }
      } else if (/[\w$]/.test(char)) {
        const word = /^[\w$]+/.exec(source.slice(i, i + 200))![0];
        advance(i + word.length);
        previous = word;
      } else if (/\s/.test(char)) {
        advance(i + 1);
      } else {
        if (char === '{') depth += 1;
        if (char === '}') {
          if (depth === 0 && close === '}') return;
          depth -= 1;
        }
        advance(i + 1);
        previous = char;
      }
    }
  }
  code();
  return literals;
}

/** Letters of French that English code and keys never need. */
const FRENCH_LETTER = /[àâäçéèêëîïôöùûüÿœæ]/i;
/**
 * Words of French sentences that are no English word nor a likely key, between spaces (« de la commune »);
 * and an elision (l', d', n', qu') starting a word. A key, an identifier or an English message has neither.
 */
const FRENCH_WORD = /(?:^|[\s«(])(?:le|la|les|de|des|du|un|une|et|ou|en|au|aux|est|sont|pour|par|avec|dans|sur|pas|ne|doit|qui|que|cette|ces)\s|(?:^|[\s«(])(?:[ldnjs]|qu)['’][a-z]/i;

export const isFrenchProse = (text: string): boolean => FRENCH_LETTER.test(text) || FRENCH_WORD.test(text);

/**
 * Literals the domain may keep although they read as French, each with why. Prefer moving the words to
 * templates/: an entry here is a decision, not a convenience.
 */
export const DOMAIN_PROSE_EXCEPTIONS: readonly { file: string; text: string; why: string }[] = [];

export interface ProseViolation {
  file: string;
  line: number;
  text: string;
}

/** The string literals of functions/domain/ that hold French prose: the domain returns codes and data, templates/ phrase them. */
export function domainProse(files: ReadonlyMap<string, string>): ProseViolation[] {
  const violations: ProseViolation[] = [];
  for (const [file, source] of files) {
    if (layerOf(file) !== 'domain') continue;
    for (const literal of stringLiteralsOf(source)) {
      if (!isFrenchProse(literal.text)) continue;
      if (DOMAIN_PROSE_EXCEPTIONS.some((exception) => exception.file === file && exception.text === literal.text)) continue;
      violations.push({ file, line: literal.line, text: literal.text });
    }
  }
  return violations;
}
