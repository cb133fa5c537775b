/**
 * `node:crypto` in the browser build: the shared domain modules import it for work done on the
 * server only (numbering decrees, hashing the audit chain). Calling it here is a bug.
 */
const serverOnly = (name: string) => (): never => {
  throw new Error(`crypto.${name} runs on the server only`);
};
export const randomInt = serverOnly('randomInt');
export const createHash = serverOnly('createHash');
export const randomUUID = serverOnly('randomUUID');
export const randomBytes = serverOnly('randomBytes');
