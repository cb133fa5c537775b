/**
 * Stands in for `@noble/ciphers/aes` in the bundles (DEFAULT_BUNDLING's `--alias`). pdfkit imports
 * it to encrypt a PDF that is given a user or owner password; the decree sets neither, and the real
 * module builds its AES tables when it is loaded, ~5–8 ms of every cold start of the decree for
 * nothing. (pdfkit's MD5 and SHA-256, from `@noble/hashes`, stay.)
 */
const notBundled = (): never => {
  throw new Error('PDF encryption is not bundled (@noble/ciphers/aes is left out): set no PDF password');
};

export const cbc = notBundled;
export const ecb = notBundled;
