import { getFileHandler } from './exchange/files.ts';

/** `GetBankFile` (routes.ts): the BANK machine client's files (`functions/api/exchange/files.ts`). */
export const handler = getFileHandler('GetBankFile', 'BANK');
