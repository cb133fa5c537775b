/**
 * Stands in for `brotli/decompress.js` in the bundles (DEFAULT_BUNDLING's `--alias`). fontkit
 * imports it to read WOFF2 fonts; the decree embeds TrueType fonts only, and the real module is
 * 475 KB (a third of the decree function's bundle) that every cold start parsed for nothing.
 */
export default function decompress(): never {
  throw new Error('WOFF2 fonts are not supported in this bundle (brotli is left out): embed a TTF font');
}
