/**
 * The one place that reads font files. Lambda bundles (esbuild) will swap
 * this strategy (copy the .ttf next to the bundle, or inline them); the
 * renderers only call `loadFontBytes()`.
 */
import { readFileSync } from 'node:fs';

export interface FontBytes {
  sans: Uint8Array;
  sansBold: Uint8Array;
  serif: Uint8Array;
  serifBold: Uint8Array;
}

let cached: FontBytes | undefined;

export function loadFontBytes(): FontBytes {
  cached ??= {
    sans: readFileSync(new URL('./DejaVuSans.ttf', import.meta.url)),
    sansBold: readFileSync(new URL('./DejaVuSans-Bold.ttf', import.meta.url)),
    serif: readFileSync(new URL('./DejaVuSerif.ttf', import.meta.url)),
    serifBold: readFileSync(new URL('./DejaVuSerif-Bold.ttf', import.meta.url)),
  };
  return cached;
}
