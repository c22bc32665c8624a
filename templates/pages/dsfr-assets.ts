/**
 * The files of the French State's design system (@gouvfr/dsfr) that the
 * mayor's pages use, served by Paraphe itself (no CDN). In a Lambda bundle
 * they sit in ./dsfr beside it (infra/paraphe-function.ts copies them); from
 * the sources, in node_modules.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DSFR_VERSION = '1.14.4';
/** Versioned, so the files can be cached for a year. */
export const DSFR_BASE_PATH = `/dsfr/${DSFR_VERSION}`;

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.woff2': 'font/woff2',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.png': 'image/png',
  '.webmanifest': 'application/manifest+json',
};

/** Only these may be served: the stylesheet, the Marianne fonts and the favicons. */
const ALLOWED = /^(dsfr\.min\.css|fonts\/Marianne-[A-Za-z_]+\.woff2|favicon\/[a-z0-9-]+\.(svg|ico|png|webmanifest))$/;

function assetRoot(): string {
  const bundled = join(dirname(fileURLToPath(import.meta.url)), 'dsfr');
  if (existsSync(bundled)) return bundled;
  return join(dirname(createRequire(import.meta.url).resolve('@gouvfr/dsfr/package.json')), 'dist');
}

let root: string | undefined;

export async function readDsfrAsset(path: string): Promise<{ body: Buffer; contentType: string } | undefined> {
  const clean = normalize(path).replace(/^\/+/, '');
  if (!ALLOWED.test(clean)) return undefined;
  root ??= assetRoot();
  const extension = clean.slice(clean.lastIndexOf('.'));
  try {
    return { body: await readFile(join(root, clean)), contentType: CONTENT_TYPES[extension] ?? 'application/octet-stream' };
  } catch {
    return undefined;
  }
}
