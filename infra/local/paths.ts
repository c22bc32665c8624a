import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LocalStackSettings } from './environment.ts';

export const PROJECT_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const LOCAL_DIR = join(PROJECT_ROOT, '.local');
export const STACK_FILE = join(LOCAL_DIR, 'stack.json');
export const CONSOLE_SECRET_FILE = join(LOCAL_DIR, 'console-secret.json');

/** The settings `npm start` wrote, for the commands that talk to the running stack. */
export function readRunningStack(): LocalStackSettings {
  if (!existsSync(STACK_FILE)) {
    console.error('The local stack is not running: start it with `npm start` in another terminal.');
    process.exit(1);
  }
  return JSON.parse(readFileSync(STACK_FILE, 'utf8')) as LocalStackSettings;
}
