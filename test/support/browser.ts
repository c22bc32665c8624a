/**
 * What the browser tests share: Debian's Chromium (never a downloaded browser), axe-core's source to inject in
 * a page, and the folder where the screenshots are kept.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../infra/local/paths.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
export const SHOTS = join(PROJECT_ROOT, 'test-results');
